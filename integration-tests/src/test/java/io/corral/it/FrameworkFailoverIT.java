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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** A framework whose scheduler goes away keeps its tasks for its failover timeout. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FrameworkFailoverIT {

  private static ProcessHandle startSleeper(RecordingScheduler s, CorralSchedulerDriver driver, Path pid)
      throws Exception {
    Offer offer = s.nextOffer();
    driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("sleeper", offer,
        Resources.parse("cpus:0.2;mem:32"), TaskInfos.shell("echo $$ > " + pid + "; exec sleep 1000"))));
    s.awaitState("sleeper", TaskState.TASK_RUNNING);
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pid) && !Files.readString(pid).isBlank());
    return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).orElseThrow();
  }

  @Test
  void aSchedulerThatComesBackWithinTheTimeoutGetsItsTasksBack(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:1;mem:512").start()) {
      String master = cluster.masterAddress().toString();
      RecordingScheduler first = new RecordingScheduler();
      CorralSchedulerDriver d1 = new CorralSchedulerDriver(first,
          FrameworkInfo.newBuilder().setName("phoenix").setFailoverTimeout(60).build(), master);
      d1.start();
      ProcessHandle task = startSleeper(first, d1, dir.resolve("pid"));
      String id = d1.frameworkId();

      d1.stop(true); // failover: the scheduler leaves, the framework stays
      d1.join();
      await().atMost(Duration.ofSeconds(30)).until(() ->
          cluster.query(v -> v.framework(id).map(f -> !f.connected()).orElse(false)));
      assertThat(task.isAlive()).isTrue();

      // A new scheduler process (here: a new driver) subscribes with the framework's id.
      RecordingScheduler second = new RecordingScheduler();
      CorralSchedulerDriver d2 = new CorralSchedulerDriver(second,
          FrameworkInfo.newBuilder().setName("phoenix").setId(id).setFailoverTimeout(60).build(), master);
      d2.start();
      second.awaitRegistered();
      assertThat(second.frameworkId()).isEqualTo(id);
      d2.reconcileTasks(List.of());
      TaskStatus running = second.awaitState("sleeper", TaskState.TASK_RUNNING);
      assertThat(running.getReason()).isEqualTo(TaskStatusReason.REASON_RECONCILIATION);
      assertThat(task.isAlive()).isTrue();

      // It can still control the task.
      d2.killTask("sleeper");
      second.awaitState("sleeper", TaskState.TASK_KILLED);
      await().atMost(Duration.ofSeconds(10)).until(() -> !task.isAlive());
      d2.stop();
      d2.join();
    }
  }

  @Test
  void pastTheFailoverTimeoutTheTasksAreKilledAndTheIdIsRetired(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:1;mem:512").start()) {
      String master = cluster.masterAddress().toString();
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver d1 = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("mayfly").setFailoverTimeout(2).build(), master);
      d1.start();
      ProcessHandle task = startSleeper(s, d1, dir.resolve("pid"));
      String id = d1.frameworkId();
      d1.stop(true);
      d1.join();

      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.query(v -> v.isRemoved(id)));
      await().atMost(Duration.ofSeconds(30)).until(() -> !task.isAlive());
      String agent = cluster.agents().get(0).agentId();
      await().atMost(Duration.ofSeconds(30)).until(() ->
          cluster.query(v -> v.freeOn(agent).equals(Resources.parse("cpus:1;mem:512"))));

      // The removed id cannot come back.
      RecordingScheduler late = new RecordingScheduler();
      CorralSchedulerDriver d2 = new CorralSchedulerDriver(late,
          FrameworkInfo.newBuilder().setName("mayfly").setId(id).build(), master);
      d2.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> !late.errors.isEmpty());
      assertThat(late.errors.get(0)).contains("was removed");
      assertThat(d2.join()).isEqualTo(io.corral.common.DriverStatus.DRIVER_ABORTED);
    }
  }
}
