package io.corral.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.common.resources.Resources;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Network faults, Jepsen-style, on a cluster of hosts in network namespaces (ZooKeeper, three
 * masters, three agents and a client, each its own host): an agent cut off from the masters, the
 * leading master cut off from ZooKeeper and the agents, a one-way partition, and a slow, lossy
 * network. The cases share one cluster and each leaves it as it found it (one leader, every agent
 * active, no fault), so they hold in any order.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@ExtendWith(SharedCluster.Resolver.class)
class NetworkFaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:32");

  private static SharedCluster shared;
  private static MultiHostCluster cluster;

  @RegisterExtension
  static final DescribeOnFailure DESCRIBE = new DescribeOnFailure(
      () -> shared == null ? "(no cluster)" : shared.describe());

  @BeforeAll
  static void useCluster(SharedCluster c) {
    shared = c;
    cluster = c.cluster();
  }

  /** A framework of the test JVM (a client host on the bridge), finding the leader through ZooKeeper. */
  private static CorralSchedulerDriver framework(RecordingScheduler s, String name) {
    CorralSchedulerDriver d = new CorralSchedulerDriver(s,
        FrameworkInfo.newBuilder().setName(name).setFailoverTimeout(300).build(), cluster.zkUrl);
    d.start();
    s.awaitRegistered();
    return d;
  }

  /** Launches tasks {@code prefix-0..n-1} on {@code agent}, each running {@code script}; waits until they run. */
  private static List<String> launchOn(RecordingScheduler s, CorralSchedulerDriver d, Host leader, Host agent,
      String prefix, int n, String script) throws Exception {
    String agentId = cluster.agentId(leader, agent);
    Offer offer = s.nextOffer(o -> o.getAgentId().equals(agentId));
    List<TaskInfo> tasks = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(prefix + "-" + i);
      tasks.add(TaskInfos.command(prefix + "-" + i, offer, TASK, TaskInfos.shell(script)));
    }
    d.launchTasks(List.of(offer.getId()), tasks);
    for (String id : ids) {
      s.awaitState(id, TaskState.TASK_RUNNING, WAIT);
    }
    return ids;
  }

  private static String waitFor(Path file) {
    return "while [ ! -e " + file + " ]; do sleep 0.2; done";
  }

  @Test
  void anAgentCutOffFromTheMastersHasItsTasksUnreachableThenReconciledWithNothingLost() throws Exception {
    Host leader = cluster.awaitSteady(WAIT);
    Path dir = cluster.dir.resolve("cut-agent");
    Files.createDirectories(dir);
    Host victim = cluster.agentHosts.get(0);
    Host bystander = cluster.agentHosts.get(1);
    RecordingScheduler s = new RecordingScheduler();
    CorralSchedulerDriver driver = framework(s, "cut-agent");
    try {
      List<String> stay = launchOn(s, driver, leader, victim, "stay", 2, waitFor(dir.resolve("go")));
      List<String> ends = launchOn(s, driver, leader, victim, "ends", 1, waitFor(dir.resolve("end-now")));
      List<String> elsewhere = launchOn(s, driver, leader, bystander, "elsewhere", 1, waitFor(dir.resolve("go")));
      String victimId = cluster.agentId(leader, victim);

      cluster.net.isolate(victim, cluster.masterHosts);
      cluster.net.cut(victim, cluster.zkHost);
      for (String id : concat(stay, ends)) {
        TaskStatus u = s.awaitState(id, TaskState.TASK_UNREACHABLE, WAIT);
        assertThat(u.getReason()).isEqualTo(TaskStatusReason.REASON_AGENT_UNREACHABLE);
      }
      assertThat(cluster.agentStatuses(leader)).containsEntry(victim.address(), "UNREACHABLE");
      // A task that ends while nobody can hear of it: its end is reported once the agent is back.
      Files.createFile(dir.resolve("end-now"));
      cluster.net.heal();

      await().atMost(WAIT).ignoreExceptions()
          .until(() -> "ACTIVE".equals(cluster.agentStatuses(leader).get(victim.address())));
      assertThat(cluster.agentId(leader, victim)).as("the agent came back as itself").isEqualTo(victimId);
      for (String id : stay) {
        await().atMost(WAIT).until(() -> s.latest(id, TaskState.TASK_RUNNING).map(TaskStatus::getReason)
            .orElse(null) == TaskStatusReason.REASON_AGENT_REREGISTERED);
      }
      s.awaitState("ends-0", TaskState.TASK_FINISHED, WAIT);
      // Asked explicitly, the master knows each task's true state.
      assertThat(reconcile(s, driver, concat(stay, elsewhere))).allSatisfy(
          st -> assertThat(st.getState()).as(st.getTaskId()).isEqualTo(TaskState.TASK_RUNNING));
      assertThat(s.statesOf("elsewhere-0")).as("a task on an agent that was not cut off")
          .doesNotContain(TaskState.TASK_UNREACHABLE);

      letFinish(s, dir, concat(stay, elsewhere));
    } finally {
      driver.stop();
      driver.join();
    }
    cluster.awaitSteady(WAIT);
  }

  @Test
  void aLeaderCutOffFromZooKeeperAndTheAgentsStepsDownAndOnlyOneMasterEverAcceptsCalls() throws Exception {
    Host old = cluster.awaitSteady(WAIT);
    Path dir = cluster.dir.resolve("cut-leader");
    Files.createDirectories(dir);
    RecordingScheduler s = new RecordingScheduler();
    CorralSchedulerDriver driver = framework(s, "cut-leader");
    Daemon oldDaemon = cluster.daemon(old);
    try (LeaderProbe probe = new LeaderProbe(cluster.masterHosts, Duration.ofMillis(50))) {
      List<String> ids = launchOn(s, driver, old, cluster.agentHosts.get(2), "survivor", 2, waitFor(dir.resolve("go")));
      await().atMost(WAIT).until(() -> probe.calls().stream().anyMatch(c -> c.accepted() && c.master().equals(old)));

      List<Host> rest = new ArrayList<>(cluster.masterHosts);
      rest.addAll(cluster.agentHosts);
      rest.add(cluster.zkHost);
      cluster.net.isolate(old, rest);
      Host next = cluster.awaitLeaderOtherThan(old, WAIT);
      assertThat(oldDaemon.awaitExit(WAIT)).as("exit code of a leader whose ZooKeeper session expired").isEqualTo(3);
      await().atMost(WAIT).ignoreExceptions().until(() -> cluster.agentStatuses(next).values().stream()
          .filter("ACTIVE"::equals).count() == cluster.agentHosts.size());
      // Calls go on a while with the new leader in place, then the verdict.
      long enough = System.nanoTime();
      await().atMost(WAIT).until(() -> probe.calls().stream().filter(c -> c.master().equals(next) && c.accepted()
          && c.sent() > enough).count() >= 20);
      probe.close();
      System.out.println("masters accepting calls: " + probe.timeline());
      assertThat(probe.splitBrain()).as("split brain; accepted: " + probe.timeline()).isEmpty();

      // The framework followed the new leader, and its tasks ran on.
      await().atMost(WAIT).until(() -> s.registrations.contains("reregistered"));
      assertThat(reconcile(s, driver, ids)).allSatisfy(
          st -> assertThat(st.getState()).as(st.getTaskId()).isEqualTo(TaskState.TASK_RUNNING));
      letFinish(s, dir, ids);
    } finally {
      driver.stop();
      driver.join();
    }
    cluster.awaitSteady(WAIT); // heals, and starts the old master again (a standby now), as its supervisor would
  }

  @Test
  void aOneWayPartitionFromTheLeaderToAnAgentEndsConsistentAndRecovers() throws Exception {
    Host leader = cluster.awaitSteady(WAIT);
    Path dir = cluster.dir.resolve("one-way");
    Files.createDirectories(dir);
    Host victim = cluster.agentHosts.get(1);
    RecordingScheduler s = new RecordingScheduler();
    CorralSchedulerDriver driver = framework(s, "one-way");
    try {
      List<String> ids = launchOn(s, driver, leader, victim, "one-way", 2, waitFor(dir.resolve("go")));
      String victimId = cluster.agentId(leader, victim);

      cluster.net.drop(leader, victim); // the leader's packets to the agent are lost; the agent's arrive
      for (String id : ids) {
        s.awaitState(id, TaskState.TASK_UNREACHABLE, WAIT);
      }
      assertThat(cluster.agentStatuses(leader)).containsEntry(victim.address(), "UNREACHABLE");
      cluster.net.heal();

      await().atMost(WAIT).ignoreExceptions()
          .until(() -> "ACTIVE".equals(cluster.agentStatuses(leader).get(victim.address())));
      assertThat(cluster.agentId(leader, victim)).isEqualTo(victimId);
      assertThat(cluster.agentStatuses(leader)).as("one entry per agent").hasSize(cluster.agentHosts.size());
      for (String id : ids) {
        await().atMost(WAIT).until(() -> s.latest(id, TaskState.TASK_RUNNING).map(TaskStatus::getReason)
            .orElse(null) == TaskStatusReason.REASON_AGENT_REREGISTERED);
      }
      assertThat(reconcile(s, driver, ids)).allSatisfy(
          st -> assertThat(st.getState()).as(st.getTaskId()).isEqualTo(TaskState.TASK_RUNNING));
      letFinish(s, dir, ids);
    } finally {
      driver.stop();
      driver.join();
    }
    cluster.awaitSteady(WAIT);
  }

  @Test
  void aWorkloadCompletesWith200MillisecondsOfLatencyAnd5PercentLossOnEveryLink() throws Exception {
    cluster.awaitSteady(WAIT);
    Path dir = cluster.dir.resolve("slow");
    Files.createDirectories(dir);
    int tasks = 12;
    cluster.net.shape(Duration.ofMillis(200), 0.05);
    try {
      // The example framework from a client machine, through the slow network to ZooKeeper, the
      // leader and (its tasks' updates) every agent; each task leaves a file of its own.
      Daemon shell = cluster.corral(cluster.clientHost, List.of("example", "shell", "--master", cluster.zkUrl,
          "--tasks", Integer.toString(tasks), "--cpus", "0.1", "--mem", "32", "--name", "slow-network", "--timeout", "4m",
          "--", "mktemp " + dir + "/done.XXXXXX"));
      int code = shell.awaitExit(Duration.ofMinutes(4));
      System.out.println("over the slow network: " + cluster.net.relayCounts());
      assertThat(code).as(shell.describe()).isZero();
      assertThat(shell.stdout()).contains("finished: " + tasks + "/" + tasks);
      try (var files = Files.list(dir)) {
        assertThat(files.count()).isEqualTo(tasks);
      }
    } finally {
      cluster.net.unshape();
    }
    cluster.awaitSteady(WAIT);
  }

  /** Asks the master for these tasks' states; returns its answers (one per task). */
  private static List<TaskStatus> reconcile(RecordingScheduler s, CorralSchedulerDriver d, List<String> ids) {
    int mark = s.statuses.size();
    d.reconcileTasks(ids.stream().map(id -> TaskStatus.newBuilder().setTaskId(id).build()).toList());
    java.util.function.Supplier<List<TaskStatus>> answers = () -> s.statuses.subList(mark, s.statuses.size()).stream()
        .filter(st -> st.getReason() == TaskStatusReason.REASON_RECONCILIATION && ids.contains(st.getTaskId()))
        .toList();
    await().atMost(WAIT).until(() -> answers.get().stream().map(TaskStatus::getTaskId).distinct().count() == ids.size());
    return answers.get();
  }

  /** No task ended in any way but finishing (lost, failed, killed, gone). */
  /** Lets the tasks waiting on {@code dir}'s go-ahead end, awaits each one's TASK_FINISHED, and finds nothing lost. */
  private static void letFinish(RecordingScheduler s, Path dir, List<String> ids) throws Exception {
    Files.createFile(dir.resolve("go"));
    for (String id : ids) {
      s.awaitState(id, TaskState.TASK_FINISHED, WAIT);
    }
    assertNothingLost(s);
  }

  private static void assertNothingLost(RecordingScheduler s) {
    assertThat(s.statuses).noneMatch(st -> st.getState() == TaskState.TASK_LOST || st.getState() == TaskState.TASK_FAILED
        || st.getState() == TaskState.TASK_KILLED || st.getState() == TaskState.TASK_GONE
        || st.getState() == TaskState.TASK_ERROR || st.getState() == TaskState.TASK_DROPPED);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
