package io.corral.common.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.process.CgroupEntry;
import io.corral.common.process.Sessions;
import io.corral.common.testing.Capabilities;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunAsTest {
  private static final UserAccount ALICE = new UserAccount("alice", 1234, 2345, "/home/alice");

  @Test
  void theSandboxChangesHandsThenSetprivDropsEverything() {
    List<String> argv = RunAs.wrap(ALICE, Path.of("/work/runs/r1"), List.of("sh", "-c", "id -un"));

    assertThat(argv.subList(0, 2)).containsExactly("/bin/sh", "-c");
    assertThat(argv.get(2)).startsWith("chown -h -- \"$1\" \"$2\" ||").endsWith("shift 2; exec \"$@\"");
    assertThat(argv.subList(3, 6)).containsExactly("corral-run-as", "1234:2345", "/work/runs/r1");
    assertThat(argv.get(6)).endsWith("/setpriv");
    assertThat(argv.subList(7, argv.size())).containsExactly("--reuid=1234", "--regid=2345", "--init-groups",
        "--inh-caps=-all", "--", "sh", "-c", "id -un");
    assertThat(RunAs.wrap(Optional.empty(), Path.of("/work/runs/r1"), List.of("true"))).containsExactly("true");
  }

  @Test
  void asAloneIsSetprivWithNothingBefore() {
    List<String> argv = RunAs.as(ALICE, List.of("cat", "/etc/hosts"));

    assertThat(argv.get(0)).endsWith("/setpriv");
    assertThat(argv.subList(1, argv.size())).containsExactly("--reuid=1234", "--regid=2345", "--init-groups",
        "--inh-caps=-all", "--", "cat", "/etc/hosts");
  }

  @Test
  void aLoginsEnvironmentIsSet() {
    Map<String, String> env = new HashMap<>(Map.of("HOME", "/root", "USER", "root"));
    RunAs.environment(ALICE, env);
    assertThat(env).containsEntry("HOME", "/home/alice").containsEntry("USER", "alice")
        .containsEntry("LOGNAME", "alice");
  }

  @Test
  void noUserSwitchingOffOrTheSameUserIsNoSwitch() throws Exception {
    assertThat(RunAs.resolve("", true)).isEmpty();
    assertThat(RunAs.resolve("corral-no-such-user", false)).isEmpty();
    String me = System.getProperty("user.name");
    assertThat(RunAs.resolve(me, true)).isEmpty(); // root's tasks under a root agent: no setpriv at all
  }

  @Test
  void aUserTheHostDoesNotHaveIsRefusedByName() throws Exception {
    assertThat(UserAccount.lookup("corral-no-such-user")).isEmpty();
    assertThat(UserAccount.lookup("-x")).isEmpty();
    Capabilities.requireRoot("RunAsTest", "only root switches users (and so checks them)");
    assertThatThrownBy(() -> RunAs.resolve("corral-no-such-user", true)).isInstanceOf(UnknownUserException.class)
        .hasMessage("user 'corral-no-such-user' does not exist on this agent");
  }

  @Test
  void passwdEntriesAreRead() throws Exception {
    assertThat(UserAccount.parse("nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin", "nobody"))
        .contains(new UserAccount("nobody", 65534, 65534, "/nonexistent"));
    // getent answers a uid with its account: "0" is not a user name.
    assertThat(UserAccount.parse("root:x:0:0:root:/root:/bin/bash", "0")).isEmpty();
  }

  @Test
  void asRootTheCommandRunsAsTheUserInsideItsCgroupsInItsSandbox(@TempDir Path dir) throws Exception {
    Capabilities.requireRoot("RunAsTest", "only root switches users");
    Optional<UserAccount> nobody = RunAs.resolve("nobody", true);
    assertThat(nobody).isPresent();
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    Path sandbox = dir.resolve("sandbox");
    PrivateSandbox.prepare(sandbox, nobody);
    assertThat(uid(sandbox)).isZero(); // the agent's until the process starts
    Path procs = Files.createFile(dir.resolve("cgroup.procs"));
    Process p = new ProcessBuilder(CgroupEntry.wrap(List.of(procs.toString()), Sessions.inNewSession(
        RunAs.wrap(nobody.get(), sandbox, List.of("sh", "-c", "id -u; id -g; grep CapInh /proc/self/status; touch mine")))))
        .directory(sandbox.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.lines()).containsExactly(Long.toString(nobody.get().uid()), Long.toString(nobody.get().gid()),
        "CapInh:\t0000000000000000");
    assertThat(Files.readString(procs).trim()).isEqualTo(Long.toString(p.pid())); // root entered the cgroup
    assertThat(uid(sandbox)).isEqualTo((int) nobody.get().uid());
    assertThat(uid(sandbox.resolve("mine"))).isEqualTo((int) nobody.get().uid());
  }

  private static int uid(Path p) throws Exception {
    return (int) Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }
}
