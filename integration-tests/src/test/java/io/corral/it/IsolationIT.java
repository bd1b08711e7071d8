package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.testkit.Http;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Executors and command tasks in cgroups of their own, on this host's real cgroups: memory limits
 * (an OOM kill fails the task with "memory limit"), CPU shares and the CFS cap, the pids limit
 * against a fork bomb, and cgroups removed with everything in them. Skipped, with the reason
 * printed, where the cgroups cannot be written.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IsolationIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** Grows to 300 MiB and holds it: tail keeps a "line" without a newline whole, until its input ends. */
  static final String HOG = "(head -c 300m /dev/zero; exec sleep 120) | tail > /dev/null";

  private static io.corral.agent.isolation.IsolationSettings settings(io.corral.agent.isolation.IsolationSettings i,
      List<String> requested, boolean cfs, long pids, Duration diskWatch) {
    return new io.corral.agent.isolation.IsolationSettings(requested, i.cgroupsRoot(), cfs, pids,
        i.commandExecutorOverhead(), i.watchInterval(), diskWatch);
  }

  private static LocalCluster.Builder cluster(Path dir, String resources) {
    return TestClusters.inProcess(dir, 1, resources);
  }

  @Test
  void aTaskThatOutgrowsItsMemoryFailsWithMemoryLimitEvenIfItExitsZeroAndNothingElseIsHurt(TestInfo info)
      throws Exception {
    CgroupsForTests.requireWritable("IsolationIT", "memory");
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = cluster(dir, "cpus:2;mem:2048").start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("mem").build(),
          cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      String agentId = offer.getAgentId();
      Resources small = Resources.parse("cpus:0.1;mem:64");
      // The OOM killer strikes a child; the shell goes on and exits 0, or the executor reports success.
      String childOomKilledThenExit0 = "head -c 300m /dev/zero | tail > /dev/null; exit 0";
      ExecutorInfo echo = TaskInfos.executor("echo-oom", EchoExecutor.command(), Resources.parse("cpus:0.1;mem:160"));
      driver.launchTasks(List.of(offer.getId()), List.of(
          TaskInfos.command("calm", offer, small, TaskInfos.shell("exec sleep 600")),
          TaskInfos.command("hog", offer, small, TaskInfos.shell(HOG)),
          TaskInfos.command("child", offer, small, TaskInfos.shell(childOomKilledThenExit0)),
          TaskInfos.forExecutor("custom-child", offer, Resources.parse("cpus:0.1;mem:32"), echo,
              ("sh:" + childOomKilledThenExit0).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
      s.awaitState("calm", TaskState.TASK_RUNNING, WAIT);

      TaskStatus failed = s.awaitState("hog", TaskState.TASK_FAILED, WAIT);
      assertThat(failed.getReason()).isEqualTo(TaskStatusReason.REASON_MEMORY_LIMIT);
      assertThat(failed.getMessage()).contains("memory limit").contains("64.0 MiB").contains("peak");
      // An OOM kill in the task's cgroup (a command task's own; a custom executor's container) fails
      // the task whatever its exit status or its executor said.
      TaskStatus child = awaitEnd(s, "child");
      assertThat(child.getState()).as(child.toString()).isEqualTo(TaskState.TASK_FAILED);
      assertThat(child.getReason()).isEqualTo(TaskStatusReason.REASON_MEMORY_LIMIT);
      assertThat(child.getMessage()).startsWith("memory limit: task child needed more than its 64.0 MiB");
      TaskStatus custom = awaitEnd(s, "custom-child");
      assertThat(custom.getState()).as(custom.toString()).isEqualTo(TaskState.TASK_FAILED);
      assertThat(custom.getReason()).isEqualTo(TaskStatusReason.REASON_MEMORY_LIMIT);
      assertThat(custom.getMessage()).startsWith("memory limit: executor echo-oom needed more than its 192.0 MiB");

      // The task had exactly its mem; its neighbour in the same command executor runs on.
      Path calm = CgroupsForTests.taskDir("memory", agentId, "calm").orElseThrow();
      assertThat(CgroupsForTests.readLong(calm.resolve("memory.limit_in_bytes"))).isEqualTo(64L << 20);
      await().atMost(WAIT).until(() -> CgroupsForTests.taskDir("memory", agentId, "hog").isEmpty());
      assertThat(s.latest("calm", TaskState.TASK_FAILED)).isEmpty();
      assertThat(s.latest("calm", TaskState.TASK_KILLED)).isEmpty();
      Offer next = s.nextOffer();
      driver.launchTasks(List.of(next.getId()), List.of(
          TaskInfos.command("after", next, small, TaskInfos.shell("true"))));
      s.awaitState("after", TaskState.TASK_FINISHED, WAIT);

      // The master lists the agent's isolators.
      JsonNode state = Http.json(cluster.master().httpUrl() + "api/v1/state");
      List<String> isolators = new ArrayList<>();
      state.get("agents").get(0).get("isolators").forEach(n -> isolators.add(n.asText()));
      assertThat(isolators).contains("cgroups/mem", "disk/du");
      driver.stop();
      driver.join();
    }
  }

  /** The task's first terminal update. */
  private static TaskStatus awaitEnd(RecordingScheduler s, String taskId) {
    await().atMost(WAIT).until(() -> s.statuses.stream()
        .anyMatch(u -> u.getTaskId().equals(taskId) && io.corral.common.task.TaskStates.isTerminal(u.getState())));
    return s.statuses.stream()
        .filter(u -> u.getTaskId().equals(taskId) && io.corral.common.task.TaskStates.isTerminal(u.getState()))
        .findFirst().orElseThrow();
  }

  @Test
  void cpuIsSharedByCpusAndTheCfsCapHolds(TestInfo info) throws Exception {
    CgroupsForTests.requireWritable("IsolationIT", "cpu", "cpuacct");
    Path dir = TestClusters.dir(info);
    String busy = "for i in 1 2 3 4; do (while :; do :; done) & done; wait";
    try (LocalCluster cluster = cluster(dir, "cpus:2;mem:1024").start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("cpu").build(),
          cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      driver.launchTasks(List.of(offer.getId()), List.of(
          TaskInfos.command("half", offer, Resources.parse("cpus:0.5;mem:32"), TaskInfos.shell(busy)),
          TaskInfos.command("more", offer, Resources.parse("cpus:1.5;mem:32"), TaskInfos.shell(busy))));
      s.awaitState("half", TaskState.TASK_RUNNING, WAIT);
      s.awaitState("more", TaskState.TASK_RUNNING, WAIT);
      Path half = await().atMost(WAIT).until(() -> CgroupsForTests.taskDir("cpuacct", offer.getAgentId(), "half"),
          java.util.Optional::isPresent).orElseThrow();
      Path more = CgroupsForTests.taskDir("cpuacct", offer.getAgentId(), "more").orElseThrow();
      double[] used = cpuSeconds(List.of(half, more), Duration.ofSeconds(6));
      double ratio = used[0] / used[1];
      System.out.printf("IsolationIT: cpus 0.5 vs 1.5 used %.2f s vs %.2f s of CPU in 6 s: ratio %.3f (1:3 = 0.333)%n",
          used[0], used[1], ratio);
      assertThat(ratio).isBetween(0.25, 0.4167);
      driver.stop();
      driver.join();
    }

    Path capped = dir.resolve("cfs");
    try (LocalCluster cluster = cluster(capped, "cpus:2;mem:1024")
        .agentConfig(a -> a.statusUpdateRetry(Duration.ofMillis(500), Duration.ofSeconds(5))
            .isolation(i -> settings(i, i.requested(), true, i.pidsLimit(), i.diskWatchInterval())))
        .start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("cfs").build(),
          cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      driver.launchTasks(List.of(offer.getId()), List.of(
          TaskInfos.command("capped", offer, Resources.parse("cpus:0.5;mem:32"), TaskInfos.shell(busy))));
      s.awaitState("capped", TaskState.TASK_RUNNING, WAIT);
      Path task = await().atMost(WAIT).until(() -> CgroupsForTests.taskDir("cpuacct", offer.getAgentId(), "capped"),
          java.util.Optional::isPresent).orElseThrow();
      double used = cpuSeconds(List.of(task), Duration.ofSeconds(5))[0];
      System.out.printf("IsolationIT: a cpus 0.5 task with 4 busy threads under the CFS cap used %.3f cores%n",
          used / 5);
      assertThat(used / 5).isLessThanOrEqualTo(0.55).isGreaterThan(0.3);
      driver.stop();
      driver.join();
    }
  }

  /**
   * CPU seconds each cgroup used over {@code window}, once every task's busy loops run in its cgroup
   * (the task's shell and the shell's 4 loops).
   */
  private static double[] cpuSeconds(List<Path> cgroups, Duration window) throws Exception {
    for (Path cgroup : cgroups) {
      await().atMost(WAIT).until(() -> CgroupsForTests.procs(cgroup).size() >= 5);
    }
    long[] before = new long[cgroups.size()];
    for (int i = 0; i < before.length; i++) {
      before[i] = CgroupsForTests.readLong(cgroups.get(i).resolve("cpuacct.usage"));
    }
    Thread.sleep(window.toMillis()); // the window CPU time is measured over
    double[] out = new double[before.length];
    for (int i = 0; i < before.length; i++) {
      out[i] = (CgroupsForTests.readLong(cgroups.get(i).resolve("cpuacct.usage")) - before[i]) / 1e9;
    }
    return out;
  }

  @Test
  void aForkBombIsContainedByThePidsLimitAndAKillRemovesTheCgroupWithEveryProcess(TestInfo info) throws Exception {
    CgroupsForTests.requireWritable("IsolationIT", "pids");
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = cluster(dir, "cpus:2;mem:1024")
        .agentConfig(a -> a.statusUpdateRetry(Duration.ofMillis(500), Duration.ofSeconds(5))
            .isolation(i -> settings(i, i.requested(), false, 64, i.diskWatchInterval())))
        .start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("bomb").build(),
          cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      String agentId = offer.getAgentId();
      Resources r = Resources.parse("cpus:0.2;mem:128");
      // Only ever runs inside its pids cgroup: it checks, and exits otherwise.
      String bomb = "grep -q 'pids:.*/task-bomb$' /proc/self/cgroup || exit 3; b() { b | b & }; b; wait; exec sleep 600";
      driver.launchTasks(List.of(offer.getId()), List.of(
          TaskInfos.command("bomb", offer, r, TaskInfos.shell(bomb)),
          TaskInfos.command("neighbour", offer, r, TaskInfos.shell("exec sleep 600"))));
      s.awaitState("bomb", TaskState.TASK_RUNNING, WAIT);
      Path pids = await().atMost(WAIT).until(() -> CgroupsForTests.taskDir("pids", agentId, "bomb"),
          java.util.Optional::isPresent).orElseThrow();
      assertThat(CgroupsForTests.readLong(pids.resolve("pids.max"))).isEqualTo(64);
      // The bomb hits its cgroup's limit (the kernel refuses its forks) and goes no further.
      await().atMost(WAIT).until(() -> forksRefused(pids) > 0);
      assertThat(CgroupsForTests.readLong(pids.resolve("pids.current"))).isLessThanOrEqualTo(64);
      List<Long> inside = CgroupsForTests.procs(pids);
      assertThat(inside).isNotEmpty();

      // The host still forks: the neighbour runs, and a new task starts and finishes.
      s.awaitState("neighbour", TaskState.TASK_RUNNING, WAIT);
      Offer next = s.nextOffer();
      driver.launchTasks(List.of(next.getId()), List.of(
          TaskInfos.command("after", next, r, TaskInfos.shell("echo fine"))));
      s.awaitState("after", TaskState.TASK_FINISHED, WAIT);

      // A kill removes the task's cgroup and every process in it.
      driver.killTask("bomb");
      s.awaitState("bomb", TaskState.TASK_KILLED, WAIT);
      await().atMost(WAIT).until(() -> !Files.exists(pids));
      await().atMost(WAIT).until(() -> inside.stream().noneMatch(IsolationIT::running));

      // When the executor's last task ends, its container's cgroups go too.
      driver.killTask("neighbour");
      s.awaitState("neighbour", TaskState.TASK_KILLED, WAIT);
      driver.stop();
      driver.join();
      Path agent = CgroupsForTests.agentDir("pids", agentId);
      await().atMost(WAIT).until(() -> !Files.isDirectory(agent) || isEmpty(agent));
    }
  }

  @Test
  void withoutCgroupsThePosixIsolatorEnforcesMemoryAndDiskDuEnforcesDisk(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = cluster(dir, "cpus:2;mem:1024;disk:1024")
        .agentConfig(a -> a.statusUpdateRetry(Duration.ofMillis(500), Duration.ofSeconds(5))
            .isolation(i -> settings(i, List.of("posix/cpu", "posix/mem", "disk/du"), false, i.pidsLimit(),
                Duration.ofSeconds(1))))
        .start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("posix").build(),
          cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      driver.launchTasks(List.of(offer.getId()), List.of(
          TaskInfos.command("hog", offer, Resources.parse("cpus:0.1;mem:64"), TaskInfos.shell(HOG)),
          TaskInfos.command("filler", offer, Resources.parse("cpus:0.1;mem:64;disk:2"),
              TaskInfos.shell("head -c 10m /dev/zero > big; exec sleep 600")),
          TaskInfos.command("calm", offer, Resources.parse("cpus:0.1;mem:64;disk:2"), TaskInfos.shell("exec sleep 600"))));

      TaskStatus hog = s.awaitState("hog", TaskState.TASK_FAILED, WAIT);
      assertThat(hog.getReason()).isEqualTo(TaskStatusReason.REASON_MEMORY_LIMIT);
      assertThat(hog.getMessage()).contains("memory limit").contains("64.0 MiB");
      TaskStatus filler = s.awaitState("filler", TaskState.TASK_FAILED, WAIT);
      assertThat(filler.getReason()).isEqualTo(TaskStatusReason.REASON_DISK_LIMIT);
      // du may catch the writer anywhere past its 2 MiB (under load, before all 10 MiB are written).
      java.util.regex.Matcher wrote = java.util.regex.Pattern
          .compile("disk limit: task filler wrote ([0-9.]+) MiB into its sandbox, more than its 2\\.0 MiB")
          .matcher(filler.getMessage());
      assertThat(wrote.find()).as(filler.getMessage()).isTrue();
      assertThat(Double.parseDouble(wrote.group(1))).isGreaterThan(2.0).isLessThanOrEqualTo(10.0);
      s.awaitState("calm", TaskState.TASK_RUNNING, WAIT);
      assertThat(s.latest("calm", TaskState.TASK_FAILED)).isEmpty();

      JsonNode state = Http.json(cluster.master().httpUrl() + "api/v1/state");
      List<String> isolators = new ArrayList<>();
      state.get("agents").get(0).get("isolators").forEach(n -> isolators.add(n.asText()));
      assertThat(isolators).containsExactly("posix/cpu", "posix/mem", "disk/du");
      String agentHttp = Http.json(cluster.master().httpUrl() + "api/v1/agents/" + offer.getAgentId()).get("http_url")
          .asText();
      JsonNode usage = await().atMost(WAIT).until(() -> Http.json(agentHttp + "api/v1/state").get("executors").get(0)
          .get("usage"), u -> u.hasNonNull("rss_bytes") && u.hasNonNull("disk_used_bytes"));
      assertThat(usage.get("source").asText()).isEqualTo("proc");
      assertThat(usage.get("mem_limit_bytes").asLong()).isEqualTo((64L + 96) << 20);
      driver.stop();
      driver.join();
    }
  }

  @Test
  void aRestartedAgentTakesItsExecutorsCgroupsBackAndRemovesOrphans(TestInfo info) throws Exception {
    CgroupsForTests.requireWritable("IsolationIT", "memory");
    Path dir = TestClusters.dir(info);
    Process stray = null;
    try (LocalCluster cluster = LocalCluster.builder(dir).mode(LocalCluster.Mode.PROCESSES)
        .agentResources(Resources.parse("cpus:2;mem:1024;disk:1024"))
        .masterConfig(m -> m.allocationInterval(Duration.ofMillis(200)))
        .agentArgs(List.of("--recovery-timeout", "60s", "--executor-reregistration-timeout", "20s"))
        .start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("reattach").build(), cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      String agentId = offer.getAgentId();
      driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("sleeper", offer,
          Resources.parse("cpus:0.1;mem:64"), TaskInfos.shell("exec sleep 600"))));
      s.awaitState("sleeper", TaskState.TASK_RUNNING, WAIT);
      Path task = await().atMost(WAIT).until(() -> CgroupsForTests.taskDir("memory", agentId, "sleeper"),
          java.util.Optional::isPresent).orElseThrow();
      List<Long> inside = await().atMost(WAIT).until(() -> CgroupsForTests.procs(task), l -> !l.isEmpty());

      cluster.agents().get(0).kill(); // SIGKILL: the executor and its task run on
      // A container whose executor died while the agent was down, with a process left in it.
      Path orphan = Files.createDirectories(CgroupsForTests.agentDir("memory", agentId).resolve("gone-container"));
      stray = new ProcessBuilder("sh", "-c", "echo $$ > " + orphan.resolve("cgroup.procs") + "; exec sleep 600").start();
      long strayPid = stray.pid();
      await().atMost(WAIT).until(() -> CgroupsForTests.procs(orphan).contains(strayPid));

      cluster.restartAgent(0);
      await().atMost(WAIT).until(() -> agentId.equals(cluster.agents().get(0).agentId())
          && cluster.query(v -> v.agents().stream().anyMatch(a -> a.id().equals(agentId) && a.status().equals("ACTIVE"))));
      await().atMost(WAIT).until(() -> !Files.exists(orphan));
      assertThat(stray.waitFor(30, TimeUnit.SECONDS)).as("the orphan's process was killed").isTrue();
      assertThat(CgroupsForTests.procs(task)).containsAll(inside);

      // Re-attached: its usage is read from its cgroups again, and a kill removes them.
      String agentHttp = Http.json(cluster.master().httpUrl() + "api/v1/agents/" + agentId).get("http_url").asText();
      JsonNode usage = await().atMost(WAIT).until(() -> Http.json(agentHttp + "api/v1/state").get("executors").get(0)
          .get("usage"), u -> u.path("source").asText().equals("cgroups"));
      assertThat(usage.get("rss_bytes").asLong()).isGreaterThan(0);
      assertThat(usage.get("mem_limit_bytes").asLong()).isEqualTo((64L + 96) << 20);
      String metrics = Http.get(agentHttp + "metrics").body();
      assertThat(metrics).contains("# TYPE corral_executor_cpu_user_seconds_total counter")
          .contains("corral_executor_memory_limit_bytes{framework_id=\"" + s.frameworkId() + "\",executor_id=\"corral:command\"")
          .contains("corral_executor_memory_rss_bytes{").contains("corral_executor_oom_kills_total{");
      driver.killTask("sleeper");
      s.awaitState("sleeper", TaskState.TASK_KILLED, WAIT);
      await().atMost(WAIT).until(() -> !Files.exists(task));
      assertThat(inside).noneMatch(IsolationIT::running);
      driver.stop();
      driver.join();
    } finally {
      if (stray != null) {
        stray.destroyForcibly();
      }
    }
  }

  /** Forks the pids controller refused the cgroup ({@code max} in {@code pids.events}). */
  private static long forksRefused(Path cgroup) throws java.io.IOException {
    for (String line : Files.readAllLines(cgroup.resolve("pids.events"))) {
      if (line.startsWith("max ")) {
        return Long.parseLong(line.substring(4).trim());
      }
    }
    return 0;
  }

  private static boolean isEmpty(Path dir) throws java.io.IOException {
    try (var s = Files.list(dir)) {
      return s.noneMatch(Files::isDirectory);
    }
  }

  /** Alive and not a zombie. */
  static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
