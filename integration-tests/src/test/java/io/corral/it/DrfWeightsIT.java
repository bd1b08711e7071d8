package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskState;
import io.corral.scheduler.CorralSchedulerDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** Weighted DRF across roles, end to end, with real tasks. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DrfWeightsIT {
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:32");

  @Test
  void rolesWithWeightsOneAndThreeConvergeToAOneToThreeSplit(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 3, "cpus:1;mem:100000",
        m -> m.roleWeights(Map.of("light", 1.0, "heavy", 3.0))).start()) {
      String master = cluster.masterAddress().toString();
      RecordingScheduler light = new RecordingScheduler();
      RecordingScheduler heavy = new RecordingScheduler();
      light.onOffers(RecordingScheduler.oneTaskPerOffer("l", TASK, "exec sleep 600"));
      heavy.onOffers(RecordingScheduler.oneTaskPerOffer("h", TASK, "exec sleep 600"));
      CorralSchedulerDriver dl = new CorralSchedulerDriver(light,
          FrameworkInfo.newBuilder().setName("light").setRole("light").build(), master);
      CorralSchedulerDriver dh = new CorralSchedulerDriver(heavy,
          FrameworkInfo.newBuilder().setName("heavy").setRole("heavy").build(), master);
      dl.start();
      dh.start();

      // Contention: both want everything; the cluster holds 30 tasks of 0.1 cpu. The shares are read
      // once the cluster is at rest: every cpu taken by a running task (so the counts cannot change) and
      // no offer outstanding (the allocator's shares count offers too, as Mesos does, and a leftover offer
      // of memory without cpus, held for a moment before it is declined, would shift them).
      Steady steady = await().atMost(Duration.ofSeconds(90)).until(() -> cluster.query(DrfWeightsIT::steady),
          s -> s.outstandingOffers() == 0 && s.tasks().values().stream().mapToInt(Integer::intValue).sum() == 30
              && s.tasks().getOrDefault("light", 0) == running(light)
              && s.tasks().getOrDefault("heavy", 0) == running(heavy));
      int l = steady.tasks().get("light");
      int h = steady.tasks().get("heavy");
      assertThat((double) h / l).as("heavy:light tasks = %d:%d", h, l).isBetween(2.5, 3.5);
      // At rest a share is what the framework's tasks hold: cpus, 0.1 of the 3 per task.
      assertThat(steady.shares().get("light")).as("light's share").isCloseTo(l * 0.1 / 3, within(1e-9));
      assertThat(steady.shares().get("heavy")).as("heavy's share").isCloseTo(h * 0.1 / 3, within(1e-9));
      assertThat(light.statuses).noneMatch(s -> s.getState() == TaskState.TASK_ERROR);
      assertThat(heavy.statuses).noneMatch(s -> s.getState() == TaskState.TASK_ERROR);
      dl.stop();
      dh.stop();
      dl.join();
      dh.join();
    }
  }

  /** What the master shows in one look: its outstanding offers, and each framework's tasks and dominant share. */
  private record Steady(int outstandingOffers, Map<String, Integer> tasks, Map<String, Double> shares) {}

  private static Steady steady(io.corral.master.core.MasterView v) {
    Map<String, Integer> tasks = new java.util.HashMap<>();
    Map<String, Double> shares = new java.util.HashMap<>();
    v.frameworks().forEach(f -> {
      tasks.put(f.name(), f.activeTasks());
      shares.put(f.name(), f.dominantShare());
    });
    return new Steady(v.outstandingOffers(), tasks, shares);
  }

  private static int running(RecordingScheduler s) {
    return (int) s.statuses.stream().filter(st -> st.getState() == TaskState.TASK_RUNNING)
        .map(st -> st.getTaskId()).distinct().count();
  }
}
