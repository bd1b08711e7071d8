package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** Weighted DRF across roles, end to end, with real tasks. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DrfWeightsIT {
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:32");

  /** Takes one task's worth of every offer and gives the rest straight back. */
  private static BiConsumer<SchedulerDriver, List<Offer>> greedyOneAtATime(String prefix, AtomicInteger seq) {
    return (driver, offers) -> {
      for (Offer o : offers) {
        if (Resources.fromProto(o.getResourcesList()).contains(TASK)) {
          driver.launchTasks(List.of(o.getId()), List.of(TaskInfos.command(prefix + seq.incrementAndGet(), o, TASK,
              TaskInfos.shell("exec sleep 600"))), Filters.newBuilder().setRefuseSeconds(0).build());
        } else {
          driver.declineOffer(o.getId(), Filters.newBuilder().setRefuseSeconds(1).build());
        }
      }
    };
  }

  @Test
  void rolesWithWeightsOneAndThreeConvergeToAOneToThreeSplit(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 3, "cpus:1;mem:100000")
        .masterConfig(m -> m.agentPingTimeout(Duration.ofSeconds(1)).allocationInterval(Duration.ofMillis(200))
            .roleWeights(Map.of("light", 1.0, "heavy", 3.0)))
        .start()) {
      String master = cluster.masterAddress().toString();
      RecordingScheduler light = new RecordingScheduler();
      RecordingScheduler heavy = new RecordingScheduler();
      light.onOffers(greedyOneAtATime("l", new AtomicInteger()));
      heavy.onOffers(greedyOneAtATime("h", new AtomicInteger()));
      CorralSchedulerDriver dl = new CorralSchedulerDriver(light,
          FrameworkInfo.newBuilder().setName("light").setRole("light").build(), master);
      CorralSchedulerDriver dh = new CorralSchedulerDriver(heavy,
          FrameworkInfo.newBuilder().setName("heavy").setRole("heavy").build(), master);
      dl.start();
      dh.start();

      // Contention: both want everything; the cluster holds 30 tasks of 0.1 cpu.
      await().atMost(Duration.ofSeconds(90)).until(() -> running(light) + running(heavy) == 30);
      int l = running(light);
      int h = running(heavy);
      double ratio = (double) h / l;
      assertThat(ratio).as("heavy:light tasks = %d:%d", h, l).isBetween(2.5, 3.5);

      // The allocator's shares count outstanding offers too (as Mesos does): a leftover offer (memory
      // without cpus) held for a moment by one framework before it declines shifts them. What must
      // hold is the split of what the frameworks keep, so read it between offers.
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        Map<String, Double> shares = cluster.query(v -> {
          java.util.HashMap<String, Double> out = new java.util.HashMap<>();
          v.frameworks().forEach(f -> out.put(f.name(), f.dominantShare()));
          return out;
        });
        assertThat(shares.get("heavy") / shares.get("light")).isBetween(2.5, 3.5);
      });
      assertThat(light.statuses).noneMatch(s -> s.getState() == TaskState.TASK_ERROR);
      assertThat(heavy.statuses).noneMatch(s -> s.getState() == TaskState.TASK_ERROR);
      dl.stop();
      dh.stop();
      dl.join();
      dh.join();
    }
  }

  private static int running(RecordingScheduler s) {
    return (int) s.statuses.stream().filter(st -> st.getState() == TaskState.TASK_RUNNING)
        .map(st -> st.getTaskId()).distinct().count();
  }
}
