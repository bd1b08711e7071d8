package io.corral.frameworks.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.certs.CertificateAuthority;
import io.corral.command.CliException;
import io.corral.http.auth.Acls;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The command line every framework's process shares, checked into its settings. */
class FrameworkOptionsTest {
  @Command(name = "notes")
  static final class NotesCommand {
    @Mixin FrameworkOptions options;
  }

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  private FrameworkSettings settings(String... args) {
    NotesCommand c = new NotesCommand();
    new CommandLine(c).parseArgs(args);
    return c.options.settings("notes", 8080, new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  @Test
  void aZooKeeperWithoutAPathGetsTheFrameworksOwnAndTheAdvertisedHostIsWhatItWasTold() {
    FrameworkSettings s = settings("--master", "zk://10.0.0.1:2181/corral", "--zk", "zk://10.0.0.1:2181,10.0.0.2:2181",
        "--host", "127.0.0.1", "--hostname", "10.0.0.5", "--http-port", "0", "--role", "eng/web");
    assertThat(s.zk().connectString()).isEqualTo("10.0.0.1:2181,10.0.0.2:2181");
    assertThat(s.zk().path()).isEqualTo("/corral-notes");
    assertThat(s.bindHost()).isEqualTo("127.0.0.1");
    assertThat(s.advertiseHost()).isEqualTo("10.0.0.5");
    assertThat(s.httpPort()).isZero();
    assertThat(s.role()).isEqualTo("eng/web");
    assertThat(s.frameworkName()).isEqualTo("notes");
    assertThat(s.failoverTimeout()).isEqualTo(Duration.ofDays(7));
    assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("advertising 10.0.0.5 (--advertise-host); "
        + "listening on 127.0.0.1" + System.lineSeparator());
  }

  @Test
  void withoutZooKeeperTheStateIsInTheWorkDirAndTheFrameworksPortIsTheDefault() {
    FrameworkSettings s = settings("--master", "10.0.0.1:5050", "--host", "127.0.0.1", "--framework-name", "marathon",
        "--failover-timeout", "1h");
    assertThat(s.zk()).isNull();
    assertThat(s.workDir()).isEqualTo(Path.of("corral-notes"));
    assertThat(s.httpPort()).isEqualTo(8080);
    assertThat(s.frameworkName()).isEqualTo("marathon");
    assertThat(s.failoverTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(settings("--master", "10.0.0.1:5050", "--zk", "zk://10.0.0.1:2181/mine", "--host", "127.0.0.1")
        .zk().path()).isEqualTo("/mine");
  }

  @Test
  void badValuesAreUsageErrorsOfOneLine() {
    assertThatThrownBy(() -> settings("--master", "10.0.0.1:5050", "--host", "127.0.0.1", "--zk-secret-file", "/x"))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessage("--zk-secret-file needs --zk");
    assertThatThrownBy(() -> settings("--master", "10.0.0.1:5050", "--host", "127.0.0.1", "--role", "/eng"))
        .isInstanceOf(CliException.class).hasMessageContaining("may not start or end with '/'");
    assertThatThrownBy(() -> settings("--master", "nowhere", "--host", "127.0.0.1"))
        .isInstanceOf(CliException.class);
    assertThatThrownBy(() -> settings("--master", "10.0.0.1:5050", "--host", "127.0.0.1", "--http-port", "70000"))
        .isInstanceOf(CliException.class).hasMessageContaining("70000");
    assertThatThrownBy(() -> settings("--master", "10.0.0.1:5050", "--advertise-host", "0.0.0.0"))
        .isInstanceOf(CliException.class).hasMessageContaining("wildcard");
  }

  @Test
  void securedTheApiIsHttpsWithTheInstancesCertificateTheCredentialsAndTheAcls(@TempDir Path dir) throws Exception {
    Path tls = dir.resolve("tls");
    CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(1));
    ca.save(tls);
    ca.issue(tls, "ops", List.of(), Duration.ofDays(1));
    String[] secured = {"--master", "10.0.0.1:5050", "--host", "127.0.0.1", "--security", "--principal", "ops",
        "--tls-dir", tls.toString(), "--credentials", dir.resolve("credentials").toString(), "--acls",
        dir.resolve("acls.json").toString()};
    assertThatThrownBy(() -> settings(secured)).isInstanceOf(CliException.class)
        .hasMessage("security is on: the notes API is served over HTTPS with " + tls.resolve("notes.pem")
            + ", which does not exist (make it with: corral certs issue notes --host <this host>)");
    ca.issue(tls, "notes", List.of("127.0.0.1"), Duration.ofDays(1));
    Files.writeString(dir.resolve("credentials"), "eng secret\n");
    assertThatThrownBy(() -> settings(secured)).isInstanceOf(CliException.class)
        .hasMessageStartingWith("security is on but there is no ACL file " + dir.resolve("acls.json"));
    Files.writeString(dir.resolve("acls.json"), "{\"manage_services\": [{\"principals\": [\"eng\"], "
        + "\"app_ids\": [\"/eng\"]}]}");
    FrameworkSettings s = settings(secured);
    assertThat(s.httpSecurity()).isNotNull();
    assertThat(s.httpSecurity().credentials().size()).isEqualTo(1);
    assertThat(s.acls().allows(Acls.Action.MANAGE_SERVICES, "eng", "/eng/web")).isTrue();
    assertThat(s.acls().allows(Acls.Action.MANAGE_SERVICES, "ops", "/eng/web")).isFalse();
    assertThat(s.peerPrincipal()).as("the CN of the instances' own certificate").isEqualTo("notes");
    assertThat(s.credentials().toString()).contains("ops");
    assertThat(settings("--master", "10.0.0.1:5050", "--host", "127.0.0.1").acls()).isSameAs(Acls.PERMISSIVE);
  }
}
