package io.corral.common.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corral.common.process.CgroupEntry;
import io.corral.common.process.Sessions;
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
  void theCommandIsPrefixedWithSetprivThatDropsEverything() {
    List<String> argv = RunAs.wrap(ALICE, List.of("sh", "-c", "id -un"));

    assertThat(argv.get(0)).endsWith("/setpriv");
    assertThat(argv.subList(1, argv.size())).containsExactly("--reuid=1234", "--regid=2345", "--init-groups",
        "--inh-caps=-all", "--", "sh", "-c", "id -un");
    assertThat(RunAs.wrap(Optional.empty(), List.of("true"))).containsExactly("true");
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
    assumeTrue(RunAs.isRoot(), "only root switches users (and so checks them)");
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
  void asRootTheCommandRunsAsTheUserInsideItsCgroups(@TempDir Path dir) throws Exception {
    assumeTrue(RunAs.isRoot(), "only root switches users");
    Optional<UserAccount> nobody = RunAs.resolve("nobody", true);
    assertThat(nobody).isPresent();
    Path procs = Files.createFile(dir.resolve("cgroup.procs"));
    Process p = new ProcessBuilder(CgroupEntry.wrap(List.of(procs.toString()),
        Sessions.inNewSession(RunAs.wrap(nobody.get(), List.of("sh", "-c", "id -u; id -g; grep CapInh /proc/self/status")))))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.lines()).containsExactly(Long.toString(nobody.get().uid()), Long.toString(nobody.get().gid()),
        "CapInh:\t0000000000000000");
    assertThat(Files.readString(procs).trim()).isEqualTo(Long.toString(p.pid())); // root entered the cgroup
  }
}
