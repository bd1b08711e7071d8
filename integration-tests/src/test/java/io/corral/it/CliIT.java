package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.common.testing.Capabilities;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** The {@code corral} commands as users run them: separate processes, readiness lines, exit codes. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CliIT {
  private static final Duration START = Duration.ofSeconds(90);

  @Test
  void localClusterRunsTheExampleAndStopsEverythingOnSigterm(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (CorralProcess local = CorralProcess.start(dir.resolve("local.log"), "local", "--agents", "3", "--port", "0",
        "--work-dir", dir.resolve("cluster").toString())) {
      Matcher m = local.awaitLine("master: (127\\.0\\.0\\.1:\\d+)", START);
      String master = m.group(1);
      // Every agent offers at least a whole cpu, however few cores the machine has, and says so.
      Matcher agents = local.awaitLine("agents: 3, each cpus:([0-9.]+);\\S* and ports of its own( \\(.*\\))?", START);
      assertThat(Double.parseDouble(agents.group(1))).isGreaterThanOrEqualTo(1.0);
      if (Runtime.getRuntime().availableProcessors() < 3) {
        assertThat(agents.group(2)).startsWith(" (at least 1 cpu each: more than its share of this machine's ");
      }

      try (CorralProcess ok = CorralProcess.start(dir.resolve("ok.log"), "example", "shell", "--master", master,
          "--tasks", "12", "--", "echo", "hello")) {
        assertThat(ok.awaitExit(START)).isZero();
        assertThat(ok.stdout()).contains("finished: 12/12");
      }
      try (CorralProcess bad = CorralProcess.start(dir.resolve("bad.log"), "example", "shell", "--master", master,
          "--tasks", "2", "--retries", "1", "--", "exit 7")) {
        assertThat(bad.awaitExit(START)).isNotZero();
        String line = bad.stdout().stream().filter(l -> l.startsWith("failed: ")).findFirst().orElseThrow();
        assertThat(line).startsWith("failed: 2/2 ").contains("task-0.1 FAILED").contains("task-1.1 FAILED")
            .contains("exited with status 7");
      }

      // Tasks no agent could ever hold: the example fails at once, naming the largest agent and the options.
      try (CorralProcess huge = CorralProcess.start(dir.resolve("huge.log"), "example", "shell", "--master", master,
          "--tasks", "2", "--cpus", "1000", "--", "true")) {
        assertThat(huge.awaitExit(START)).isEqualTo(1);
        String line = huge.stdout().stream().filter(l -> l.startsWith("failed: ")).findFirst().orElseThrow();
        assertThat(line).matches("failed: 2/2 no agent can ever run a task of cpus:1000;mem:32: the largest agent has"
            + " cpus:[0-9.]+;disk:[0-9.]+;mem:[0-9.]+;ports:\\[\\S+\\] \\(lower --cpus or --mem\\)");
      }

      // A task held to its --mem by the agent's isolation: killed for memory, and the example says so.
      if (Capabilities.step(CgroupsForTests.writable("memory"), "CliIT", "memory limit",
          "no writable memory cgroup here")) {
        try (CorralProcess hog = CorralProcess.start(dir.resolve("hog.log"), "example", "shell", "--master", master,
            "--tasks", "1", "--retries", "0", "--cpus", "0.1", "--mem", "64", "--", IsolationIT.HOG)) {
          assertThat(hog.awaitExit(START)).isEqualTo(1);
          String line = hog.stdout().stream().filter(l -> l.startsWith("failed: ")).findFirst().orElseThrow();
          assertThat(line).startsWith("failed: 1/1 ").contains("task-0 FAILED memory limit: ").contains("64.0 MiB");
        }
      }

      // A framework whose tasks run until stopped...
      try (CorralProcess forever = CorralProcess.start(dir.resolve("forever.log"), "example", "shell", "--master",
          master, "--tasks", "2", "--", "exec sleep 1000")) {
        await().atMost(START).until(() -> local.descendants().stream()
            .filter(p -> cmdline(p).startsWith("sleep 1000")).count() == 2);
        // ...so three agent daemons, command executors and tasks run under `corral local`...
        List<ProcessHandle> tree = local.descendants();
        assertThat(tree.stream().filter(p -> cmdline(p).contains(" io.corral.cli.CorralMain agent "))).hasSize(3);
        assertThat(tree.stream().filter(p -> cmdline(p).contains("CommandExecutorMain"))).isNotEmpty();
        // ...and SIGTERM (Ctrl-C) stops every one of them.
        local.terminate();
        // The JVM reports the signal (128 + 15), after its shutdown hook stopped the cluster.
        assertThat(local.awaitExit(Duration.ofSeconds(60))).isIn(0, 143);
        await().atMost(Duration.ofSeconds(30)).until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
      }
    }
  }

  private static String cmdline(ProcessHandle p) {
    try {
      return new String(java.nio.file.Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
          java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (java.io.IOException e) {
      return "";
    }
  }

  @Test
  void masterAndAgentDaemonsPrintTheirReadinessLines(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (CorralProcess master = CorralProcess.start(dir.resolve("master.log"), "master", "--host", "127.0.0.1", "--port", "0",
        "--work-dir", dir.resolve("master").toString())) {
      String address = master.awaitLine("master: (127\\.0\\.0\\.1:\\d+)", START).group(1);
      try (CorralProcess agent = CorralProcess.start(dir.resolve("agent.log"), "agent", "--master", address,
          "--host", "127.0.0.1", "--port", "0", "--work-dir", dir.resolve("agent").toString(), "--resources", "cpus:2;mem:2048",
          "--attributes", "rack:r1;zone:a", "--shutdown-executors-on-exit")) {
        Matcher m = agent.awaitLine("agent: (\\S+) registered with (\\S+)", START);
        assertThat(m.group(2)).isEqualTo(address);
        try (CorralProcess run = CorralProcess.start(dir.resolve("run.log"), "example", "shell", "--master", address,
            "--tasks", "3", "--cpus", "0.5", "--mem", "64", "--", "test \"$CORRAL_TASK_ID\" != ''")) {
          assertThat(run.awaitExit(START)).isZero();
          assertThat(run.stdout()).contains("finished: 3/3");
        }
      }
    }
  }

  @Test
  void badArgumentsGetAClearMessageAndANonZeroExit(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (CorralProcess p = CorralProcess.start(dir.resolve("a.log"), "agent", "--master", "zk2://nowhere")) {
      assertThat(p.awaitExit(START)).isNotZero();
    }
    assertThat(java.nio.file.Files.readString(dir.resolve("a.log"))).contains("unsupported master 'zk2://nowhere'");
    try (CorralProcess p = CorralProcess.start(dir.resolve("b.log"), "agent", "--master", "127.0.0.1:1",
        "--resources", "cpus:-2")) {
      assertThat(p.awaitExit(START)).isNotZero();
    }
    assertThat(java.nio.file.Files.readString(dir.resolve("b.log"))).contains("negative");
    try (CorralProcess p = CorralProcess.start(dir.resolve("c.log"), "example", "shell", "--tasks", "1", "--", "true")) {
      assertThat(p.awaitExit(START)).isEqualTo(2);
    }
    assertThat(java.nio.file.Files.readString(dir.resolve("c.log"))).contains("Missing required option: '--master");
  }

  @Test
  void bundlePushPacksADirectoryAndRefusesWhatItCannotReach(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    Path bundle = dir.resolve("bundle");
    java.nio.file.Files.createDirectories(bundle.resolve("bin"));
    java.nio.file.Files.writeString(bundle.resolve("bin/run.sh"), "#!/bin/sh\necho hi\n");
    Path target = dir.resolve("published/bundle.tar.gz");
    try (CorralProcess p = CorralProcess.start(dir.resolve("push.log"), "bundle", "push", bundle.toString(),
        target.toString())) {
      assertThat(p.awaitExit(START)).isZero();
      assertThat(p.stdout()).containsExactly("pushed: " + target);
    }
    Process tar = new ProcessBuilder("tar", "tzf", target.toString()).redirectErrorStream(true).start();
    assertThat(new String(tar.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("bin/run.sh");
    assertThat(tar.waitFor()).isZero();

    try (CorralProcess p = CorralProcess.start(dir.resolve("http.log"), "bundle", "push", bundle.toString(),
        "http://example.invalid/b.tar.gz")) {
      assertThat(p.awaitExit(START)).isEqualTo(2);
    }
    assertThat(java.nio.file.Files.readString(dir.resolve("http.log"))).contains("cannot push to 'http://example.invalid/b.tar.gz'");
  }
}
