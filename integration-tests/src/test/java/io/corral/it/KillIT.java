package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** Kills reach the whole process tree of a task, within the grace period. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KillIT {

  /** A task that forks children (and grandchildren), all of them ignoring SIGTERM. */
  private static String stubbornTree(Path pids) {
    return "trap '' TERM; echo $$ >> " + pids + "; "
        + "(sleep 1000 & echo $! >> " + pids + "; wait) & "
        + "sleep 1000 & echo $! >> " + pids + "; "
        + "sh -c 'sleep 1000 & echo $! >> " + pids + "; wait' & "
        + "wait";
  }

  @Test
  void killTerminatesTheWholeTreeWithinTheGracePeriod(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    Path pids = dir.resolve("pids");
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:1;mem:1024").start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("kill").build(), cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      TaskInfo task = TaskInfos.command("tree", offer, Resources.parse("cpus:0.1;mem:32"),
          TaskInfos.shell(stubbornTree(pids))).toBuilder()
          .setKillPolicy(KillPolicy.newBuilder().setGracePeriodSeconds(1.5)).build();
      driver.launchTasks(List.of(offer.getId()), List.of(task));
      s.awaitState("tree", TaskState.TASK_RUNNING);
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pids) && Files.readAllLines(pids).size() >= 4);
      List<ProcessHandle> tree = Files.readAllLines(pids).stream().map(Long::parseLong)
          .map(ProcessHandle::of).flatMap(java.util.Optional::stream).toList();
      assertThat(tree).hasSize(4).allMatch(ProcessHandle::isAlive);

      long start = System.nanoTime();
      driver.killTask("tree");
      s.awaitState("tree", TaskState.TASK_KILLED, Duration.ofSeconds(30));
      // Killed processes disappear once reaped (by init, for orphans): give that a moment.
      await().atMost(Duration.ofSeconds(10)).until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
      double took = (System.nanoTime() - start) / 1e9;

      // SIGTERM was ignored, so the tree lived through the grace period, then SIGKILL ended it.
      assertThat(took).isGreaterThanOrEqualTo(1.4).isLessThan(15);
      assertThat(s.statesOf("tree")).containsSubsequence(TaskState.TASK_RUNNING, TaskState.TASK_KILLING,
          TaskState.TASK_KILLED);
      driver.stop();
      driver.join();
    }
  }

  @Test
  void aTaskThatHonoursSigtermDiesAtOnceAndTeardownKillsEverything(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    Path pids = dir.resolve("pids");
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:1;mem:1024").start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("teardown").build(), cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      Resources r = Resources.parse("cpus:0.1;mem:32");
      driver.launchTasks(List.of(offer.getId()), List.of(
          TaskInfos.command("polite", offer, r, TaskInfos.shell("echo $$ >> " + pids + "; exec sleep 1000")),
          TaskInfos.command("stubborn", offer, r, TaskInfos.shell(stubbornTree(pids)))));
      s.awaitState("polite", TaskState.TASK_RUNNING);
      s.awaitState("stubborn", TaskState.TASK_RUNNING);
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.readAllLines(pids).size() >= 5);
      List<ProcessHandle> all = Files.readAllLines(pids).stream().map(Long::parseLong)
          .map(ProcessHandle::of).flatMap(java.util.Optional::stream).toList();

      long start = System.nanoTime();
      driver.killTask("polite");
      s.awaitState("polite", TaskState.TASK_KILLED);
      assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.5); // well before the 3 s default grace

      driver.stop(); // tears the framework down: the master kills what is left
      driver.join();
      await().atMost(Duration.ofSeconds(30)).until(() -> all.stream().noneMatch(ProcessHandle::isAlive));
      await().atMost(Duration.ofSeconds(30)).until(() ->
          cluster.query(v -> v.frameworks().isEmpty() && v.freeOn(cluster.agents().get(0).agentId())
              .equals(Resources.parse("cpus:1;mem:1024"))));
    }
  }

  @Test
  void tasksOfAnExecutorThatDiesAreFailedAndTheirProcessesCleanedUp(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    Path pid = dir.resolve("pid");
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:1;mem:1024").start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("orphans").build(), cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("orphan", offer,
          Resources.parse("cpus:0.1;mem:32"), TaskInfos.shell("echo $$ > " + pid + "; exec sleep 1000"))));
      s.awaitState("orphan", TaskState.TASK_RUNNING);
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pid) && !Files.readString(pid).isBlank());
      ProcessHandle task = ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).orElseThrow();
      ProcessHandle executor = task.parent().orElseThrow();
      assertThat(executor.info().command().orElse("")).endsWith("java");

      executor.destroyForcibly(); // the command executor crashes; its task is orphaned
      var failed = s.awaitState("orphan", TaskState.TASK_FAILED);
      assertThat(failed.getReason()).isEqualTo(io.corral.protocol.TaskStatusReason.REASON_EXECUTOR_TERMINATED);
      await().atMost(Duration.ofSeconds(30)).until(() -> !task.isAlive());
      driver.stop();
      driver.join();
    }
  }
}
