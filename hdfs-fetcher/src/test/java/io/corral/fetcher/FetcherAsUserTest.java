package io.corral.fetcher;

import static io.corral.fetcher.FetcherFixture.cached;
import static io.corral.fetcher.FetcherFixture.uri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.testing.Capabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root agent that switches users reads {@code file://} sources with the permissions of the user
 * the fetch is for, as Mesos runs its fetcher as the task's user: what that user cannot read fails,
 * and the cache never hands it out. Real processes as the user {@code nobody}; skipped unless the
 * tests run as root.
 */
@Timeout(60)
class FetcherAsUserTest {
  private static final FetchUser NOBODY = new FetchUser("nobody", true);

  @TempDir
  Path tmp;
  Path sandbox;
  /** In a directory everyone may pass: 0644. */
  Path readable;
  /** 0600 root in that same directory: {@code stat} works for the user, opening it does not (as /etc/shadow). */
  Path shadow;
  /** 0600 root in a 0700 root directory (as the agent's TLS keys or its secrets directory). */
  Path key;
  FetcherFixture fixture;

  @BeforeEach
  void setUp() throws IOException {
    Capabilities.requireRoot("FetcherAsUserTest", "only a root agent reads files as other users");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
    readable = Files.writeString(open.resolve("app.conf"), "setting=1\n");
    Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-r--r--"));
    shadow = Files.writeString(open.resolve("shadow"), "root:$6$hash:19000::::::\n");
    Files.setPosixFilePermissions(shadow, PosixFilePermissions.fromString("rw-------"));
    Path secrets = Files.createDirectory(tmp.resolve("secrets"));
    key = Files.writeString(secrets.resolve("agent-key.pem"), "-----BEGIN PRIVATE KEY-----\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
    sandbox = tmp.resolve("sandbox");
    fixture = new FetcherFixture(tmp.resolve("cache"), 1024 * 1024);
  }

  @AfterEach
  void tearDown() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void aFileTheUserCanReadIsFetched() throws Exception {
    List<Fetched> fetched = fixture.fetch(NOBODY, sandbox, uri(readable.toUri().toString()),
        uri(readable.toString()).toBuilder().setOutputFile("copy.conf").build());

    assertThat(sandbox.resolve("app.conf")).hasContent("setting=1");
    assertThat(sandbox.resolve("copy.conf")).hasContent("setting=1");
    assertThat(fetched).extracting(Fetched::bytes).containsExactly(10L, 10L);
  }

  @Test
  void aFileOnlyRootCanReadFailsWithTheUsersPermissionDenied() {
    for (Path secret : List.of(key, shadow)) {
      for (var command : List.of(uri(secret.toString()), cached(secret.toUri().toString()))) {
        assertThatThrownBy(() -> fixture.fetch(NOBODY, sandbox, command))
            .as(command.getValue()).isInstanceOf(FetchException.class)
            .hasMessage("cannot read " + secret + " as user nobody: permission denied");
      }
      assertThat(sandbox.resolve(secret.getFileName())).doesNotExist();
    }
    assertThat(fixture.fetcher.cache().size()).isZero();
  }

  @Test
  void missingFilesDirectoriesAndDevicesAreNamedAsBeforeWithoutTellingWhatIsBehindAClosedDirectory() throws Exception {
    Path missing = readable.resolveSibling("missing.conf");
    assertThatThrownBy(() -> fixture.fetch(NOBODY, sandbox, uri(missing.toString())))
        .hasMessage("no such file: " + missing);
    Path hidden = key.resolveSibling("missing.pem"); // as for a file that is there: nothing to learn
    assertThatThrownBy(() -> fixture.fetch(NOBODY, sandbox, uri(hidden.toString())))
        .hasMessage("cannot read " + hidden + " as user nobody: permission denied");
    assertThatThrownBy(() -> fixture.fetch(NOBODY, sandbox, uri(readable.getParent().toString())))
        .hasMessage("is a directory, not a file: " + readable.getParent());
    assertThatThrownBy(() -> fixture.fetch(NOBODY, sandbox, uri("/dev/zero")))
        .hasMessage("not a regular file: /dev/zero");
  }

  @Test
  void theSizeLimitHolds() throws Exception {
    FetcherConfig small = new FetcherConfig(tmp.resolve("small-cache"), 1024, 9, 1024, Duration.ofSeconds(2),
        Duration.ofSeconds(2), Duration.ofSeconds(10), null);
    try (FetcherFixture limited = new FetcherFixture(small)) {
      assertThatThrownBy(() -> limited.fetch(NOBODY, sandbox, uri(readable.toString())))
          .hasMessage("too large: 10 bytes, the limit is 9");
    }
  }

  @Test
  void whatTheAgentReadForAUserIsNotServedOnceItReadsAsThatUser() throws Exception {
    // An agent that did not switch users (behaviour as before) read the key for nobody, and cached it...
    fixture.fetch(FetchUser.agent("nobody"), tmp.resolve("as-agent"), cached(key.toString()));
    assertThat(tmp.resolve("as-agent").resolve(key.getFileName())).hasContent("-----BEGIN PRIVATE KEY-----");
    // ...as the agent's own user's tasks still are (root reads it as itself)...
    fixture.fetch(new FetchUser("root", true), tmp.resolve("root"), cached(key.toString()));

    // ...but once it reads as the user, neither copy reaches nobody.
    assertThatThrownBy(() -> fixture.fetch(NOBODY, sandbox, cached(key.toString())))
        .hasMessage("cannot read " + key + " as user nobody: permission denied");
    assertThat(sandbox.resolve(key.getFileName())).doesNotExist();
  }

  @Test
  void aCachedCopyGoesOnlyToAUserWhoCanStillReadTheFile() throws Exception {
    assertThat(fixture.fetch(NOBODY, tmp.resolve("first"), cached(readable.toString())).get(0).cacheHit()).isFalse();
    assertThat(fixture.fetch(NOBODY, tmp.resolve("second"), cached(readable.toString())).get(0).cacheHit()).isTrue();

    Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> fixture.fetch(NOBODY, tmp.resolve("revoked"), cached(readable.toString())))
        .hasMessage("cannot read " + readable + " as user nobody: permission denied");
    assertThat(tmp.resolve("revoked").resolve("app.conf")).doesNotExist();

    Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(fixture.fetch(NOBODY, tmp.resolve("again"), cached(readable.toString())).get(0).cacheHit()).isTrue();
  }

  @Test
  void aUserTheHostLacksGetsNoLocalFile() {
    assertThatThrownBy(() -> fixture.fetch(new FetchUser("corral-no-such-user", true), sandbox, uri(readable.toString())))
        .hasMessage("user 'corral-no-such-user' does not exist on this agent");
  }

  @Test
  void anAgentThatDoesNotSwitchUsersReadsAsItselfAsBefore() throws Exception {
    fixture.fetch(new FetchUser("nobody", false), sandbox, uri(key.toString()));
    assertThat(sandbox.resolve(key.getFileName())).hasContent("-----BEGIN PRIVATE KEY-----");
  }
}
