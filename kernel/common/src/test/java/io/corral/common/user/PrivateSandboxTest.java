package io.corral.common.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.testing.Capabilities;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateSandboxTest {
  @Test
  void aSandboxIsOnlyItsOwnersWithItsLogsMadeBeforehand(@TempDir Path dir) throws Exception {
    Path sandbox = dir.resolve("runs/r1");
    PrivateSandbox.prepare(sandbox, Optional.empty());

    assertThat(mode(sandbox)).isEqualTo("rwx------");
    assertThat(sandbox.resolve("stdout")).isRegularFile();
    assertThat(sandbox.resolve("stderr")).isRegularFile();
    assertThat(mode(dir.resolve("runs"))).isNotEqualTo("rwx------"); // above it: unchanged
  }

  @Test
  void aSharedSandboxCanBePassedThroughNotListedAndItsLogsAreTheAgents(@TempDir Path dir) throws Exception {
    Path sandbox = dir.resolve("command");
    PrivateSandbox.prepareShared(sandbox, List.of("tasks"));

    assertThat(mode(sandbox)).isEqualTo("rwx--x--x");
    assertThat(mode(sandbox.resolve("tasks"))).isEqualTo("rwx--x--x");
    assertThat(mode(sandbox.resolve("stderr"))).isEqualTo("rw-------");
  }

  @Test
  void aLogThatIsALinkIsRefused(@TempDir Path dir) throws Exception {
    Path sandbox = Files.createDirectories(dir.resolve("s"));
    Files.createSymbolicLink(sandbox.resolve("stdout"), dir.resolve("elsewhere"));
    assertThatThrownBy(() -> PrivateSandbox.prepare(sandbox, Optional.empty()))
        .hasMessage("stdout in the sandbox is not a plain file");
    assertThat(dir.resolve("elsewhere")).doesNotExist();
  }

  @Test
  void asRootEverythingInItGoesToTheUserButNothingALinkPointsToNorYetItself(@TempDir Path dir) throws Exception {
    Capabilities.requireRoot("PrivateSandboxTest", "only root gives files away");
    UserAccount nobody = UserAccount.lookup("nobody").orElseThrow();
    Path outside = Files.writeString(dir.resolve("outside"), "the agent's");
    Path sandbox = Files.createDirectories(dir.resolve("s"));
    Files.createDirectories(sandbox.resolve("lib/deep"));
    Files.writeString(sandbox.resolve("lib/deep/fetched.jar"), "jar");
    Files.createSymbolicLink(sandbox.resolve("lib/escape"), outside);

    PrivateSandbox.prepare(sandbox, Optional.of(nobody));

    for (Path p : List.of(sandbox.resolve("stdout"), sandbox.resolve("lib"), sandbox.resolve("lib/deep/fetched.jar"),
        sandbox.resolve("lib/escape"))) {
      assertThat(uid(p)).as(p.toString()).isEqualTo((int) nobody.uid());
      assertThat((int) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo((int) nobody.gid());
    }
    assertThat(uid(outside)).isZero();
    assertThat(uid(sandbox)).isZero(); // given away as the process starts (RunAs)
    assertThat(mode(sandbox)).isEqualTo("rwx------");
  }

  private static int uid(Path p) throws Exception {
    return (int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
