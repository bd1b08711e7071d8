package io.corral.common.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Kills real process trees made with {@code sh}. */
@Timeout(60)
class ProcessTreeTest {
  private static final Duration GRACE = Duration.ofMillis(1000);

  private final List<ProcessHandle> started = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    // Never leave processes behind, whatever the test did.
    for (ProcessHandle p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private ProcessHandle spawn(String script, int children) throws IOException {
    Process p = new ProcessBuilder("/bin/sh", "-c", script)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    ProcessHandle root = p.toHandle();
    started.add(root);
    // The shell installs its traps before it forks: once the children exist, it is ready.
    await().atMost(Duration.ofSeconds(10)).until(() -> root.descendants().count() >= children);
    return root;
  }

  /**
   * Whether the process still runs. A killed orphan stays a zombie until init reaps it, which
   * some container inits do late; a zombie runs nothing, so it counts as gone.
   */
  static boolean running(long pid) {
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // "pid (comm) S ...": the state follows the last ')'.
        return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
      } catch (IOException gone) {
        return false;
      }
    }
    return false;
  }

  private static void assertAllGone(List<ProcessHandle> tree) {
    assertThat(tree).allSatisfy(p -> assertThat(running(p.pid())).as("pid %d runs", p.pid()).isFalse());
  }

  @Test
  void aTreeThatIgnoresTermIsKilledAfterTheGracePeriod() throws Exception {
    ProcessHandle root = spawn("trap '' TERM; sleep 1000 & sleep 1000 & wait", 2);
    List<ProcessHandle> tree = ProcessTree.snapshot(root);
    assertThat(tree).hasSize(3).first().isEqualTo(root);

    long start = System.nanoTime();
    ProcessTree.kill(root, GRACE).get(30, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertAllGone(tree);
    assertThat(took).as("TERM was ignored, so SIGKILL came only after the grace period")
        .isGreaterThanOrEqualTo(GRACE.minusMillis(50));
  }

  @Test
  void aTreeThatExitsOnTermGoesAwayWithoutWaitingForTheGrace() throws Exception {
    Duration longGrace = Duration.ofSeconds(50);
    ProcessHandle root = spawn("sleep 1000 & sleep 1000 & wait", 2);
    List<ProcessHandle> tree = ProcessTree.snapshot(root);

    long start = System.nanoTime();
    ProcessTree.kill(root, longGrace).get(45, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertAllGone(tree);
    assertThat(took).as("done long before the grace period ends").isLessThan(Duration.ofSeconds(25));
  }

  @Test
  void descendantsLeftBehindByADeadParentAreStillKilled() throws Exception {
    // The root dies on TERM; its child ignores TERM and is orphaned meanwhile.
    ProcessHandle root = spawn("(trap '' TERM; sleep 1000; echo never) & wait", 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> root.descendants().count() >= 2);
    List<ProcessHandle> tree = ProcessTree.snapshot(root);

    long start = System.nanoTime();
    ProcessTree.kill(root, GRACE).get(30, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertAllGone(tree);
    assertThat(took).isGreaterThanOrEqualTo(GRACE.minusMillis(50));
  }

  @Test
  void childrenForkedDuringTheGracePeriodAreKilledToo(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("late.pid");
    // On TERM the shell forks one more child and records its pid.
    ProcessHandle root = spawn(
        "trap 'sleep 1000 & echo $! > " + pidFile + "' TERM; sleep 1000 & wait; wait", 1);
    List<ProcessHandle> tree = new ArrayList<>(ProcessTree.snapshot(root));

    var killed = ProcessTree.kill(root, GRACE);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
    long latePid = Long.parseLong(Files.readString(pidFile).trim());
    Optional<ProcessHandle> late = ProcessHandle.of(latePid);
    late.ifPresent(started::add);
    killed.get(30, TimeUnit.SECONDS);

    assertAllGone(tree);
    // It was sent SIGKILL before the kill completed; give the kernel a moment to deliver it.
    await().atMost(Duration.ofSeconds(10)).until(() -> !running(latePid));
  }

  @Test
  void zeroGraceKillsAtOnce() throws Exception {
    ProcessHandle root = spawn("trap '' TERM; sleep 1000 & wait", 1);
    List<ProcessHandle> tree = ProcessTree.snapshot(root);

    long start = System.nanoTime();
    ProcessTree.kill(root, Duration.ZERO).get(30, TimeUnit.SECONDS);

    assertAllGone(tree);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(25));
  }

  @Test
  void killingAnExitedProcessCompletes() throws Exception {
    Process p = new ProcessBuilder("/bin/sh", "-c", "exit 0").start();
    p.waitFor(10, TimeUnit.SECONDS);
    ProcessTree.kill(p.toHandle(), GRACE).get(5, TimeUnit.SECONDS);
    assertThat(running(p.pid())).isFalse();
  }
}
