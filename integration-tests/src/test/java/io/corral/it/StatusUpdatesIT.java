package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** Status updates arrive reliably and in order; reconciliation answers the latest state. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StatusUpdatesIT {
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:32");

  @Test
  void anUnacknowledgedUpdateIsResentAndHoldsBackTheNextOne(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:1;mem:512").start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("explicit-acks").build(), cluster.masterAddress().toString(), false);
      driver.start();
      Offer offer = s.nextOffer();
      driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("t", offer, TASK, TaskInfos.shell("true"))));

      TaskStatus starting = s.awaitState("t", TaskState.TASK_STARTING);
      assertThat(starting.getUuid().isEmpty()).isFalse();
      // Not acknowledged: the agent sends it again (same uuid), and nothing after it.
      await().atMost(Duration.ofSeconds(30)).until(() -> s.statesOf("t").size() >= 2);
      assertThat(s.statuses).filteredOn(x -> x.getTaskId().equals("t")).allSatisfy(x -> {
        assertThat(x.getState()).isEqualTo(TaskState.TASK_STARTING);
        assertThat(x.getUuid()).isEqualTo(starting.getUuid());
      });

      driver.acknowledgeStatusUpdate(starting);
      TaskStatus running = s.awaitState("t", TaskState.TASK_RUNNING);
      assertThat(s.latest("t", TaskState.TASK_FINISHED)).isEmpty();
      driver.acknowledgeStatusUpdate(running);
      TaskStatus finished = s.awaitState("t", TaskState.TASK_FINISHED);
      driver.acknowledgeStatusUpdate(finished);
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.inProcessAgent(0).pendingUpdates().join() == 0);
      assertThat(s.statesOf("t").stream().distinct().toList())
          .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
      driver.stop();
      driver.join();
    }
  }

  @Test
  void reconciliationAnswersTheLatestKnownStates(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:1;mem:512").start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("reconcile").build(), cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      driver.launchTasks(List.of(offer.getId()), List.of(
          TaskInfos.command("long", offer, TASK, TaskInfos.shell("exec sleep 1000")),
          TaskInfos.command("short", offer, TASK, TaskInfos.shell("true"))));
      s.awaitState("long", TaskState.TASK_RUNNING);
      s.awaitState("short", TaskState.TASK_FINISHED);
      int before = s.statuses.size();

      driver.reconcileTasks(List.of()); // implicit: all live tasks
      await().atMost(Duration.ofSeconds(30)).until(() -> s.statuses.size() > before);
      TaskStatus implicit = s.statuses.get(before);
      assertThat(implicit.getTaskId()).isEqualTo("long");
      assertThat(implicit.getState()).isEqualTo(TaskState.TASK_RUNNING);
      assertThat(implicit.getReason()).isEqualTo(TaskStatusReason.REASON_RECONCILIATION);
      assertThat(implicit.getUuid().isEmpty()).isTrue();

      int mark = s.statuses.size();
      driver.reconcileTasks(List.of(
          TaskStatus.newBuilder().setTaskId("long").setAgentId(offer.getAgentId()).build(),
          TaskStatus.newBuilder().setTaskId("short").setAgentId(offer.getAgentId()).build(),
          TaskStatus.newBuilder().setTaskId("never-launched").setAgentId(offer.getAgentId()).build()));
      await().atMost(Duration.ofSeconds(30)).until(() -> s.statuses.size() >= mark + 3);
      List<TaskStatus> answers = s.statuses.subList(mark, mark + 3);
      assertThat(answers).extracting(TaskStatus::getTaskId, TaskStatus::getState).containsExactly(
          org.assertj.core.groups.Tuple.tuple("long", TaskState.TASK_RUNNING),
          org.assertj.core.groups.Tuple.tuple("short", TaskState.TASK_FINISHED),
          org.assertj.core.groups.Tuple.tuple("never-launched", TaskState.TASK_UNKNOWN));
      driver.stop();
      driver.join();
    }
  }

  @Test
  void updatesMissedWhileTheSchedulerWasAwayArriveWhenItComesBack(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:1;mem:512")
        .agentConfig(a -> a.statusUpdateRetry(Duration.ofMinutes(5), Duration.ofMinutes(10))).start()) {
      String master = cluster.masterAddress().toString();
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver d1 = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("away").setFailoverTimeout(300).build(), master);
      d1.start();
      Offer offer = s.nextOffer();
      Path go = dir.resolve("go");
      d1.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("waiter", offer, TASK,
          TaskInfos.shell("while [ ! -e " + go + " ]; do sleep 0.05; done"))));
      s.awaitState("waiter", TaskState.TASK_RUNNING);
      String id = d1.frameworkId();
      d1.stop(true);
      d1.join();

      java.nio.file.Files.createFile(go); // the task finishes while nobody listens
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.query(v -> v.tasks(id).stream()
          .anyMatch(t -> t.getState() == TaskState.TASK_FINISHED)));

      RecordingScheduler back = new RecordingScheduler();
      CorralSchedulerDriver d2 = new CorralSchedulerDriver(back,
          FrameworkInfo.newBuilder().setName("away").setId(id).build(), master);
      d2.start();
      // Delivered at once on re-subscription, not at the agent's next retry (minutes away).
      TaskStatus finished = back.awaitState("waiter", TaskState.TASK_FINISHED, Duration.ofSeconds(30));
      assertThat(finished.getUuid().isEmpty()).isFalse();
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.inProcessAgent(0).pendingUpdates().join() == 0);
      d2.stop();
      d2.join();
    }
  }
}
