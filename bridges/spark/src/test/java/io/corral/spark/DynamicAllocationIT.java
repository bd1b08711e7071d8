package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.task.TaskStates;
import io.corral.protocol.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dynamic allocation with shuffle tracking: the application starts with no executor, Spark asks
 * for more as tasks wait ({@code doRequestTotalExecutors}: Corral launches them), and releases
 * idle ones until none is left: decommissioned (the bridge's default, {@code
 * spark.decommission.enabled}), they leave by themselves and their Corral tasks end, which the
 * application is not charged as failures.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DynamicAllocationIT {
  private static SparkApps apps;

  @BeforeAll
  static void start() throws Exception {
    apps = SparkApps.start("dynamic-allocation-it", 2);
  }

  @AfterAll
  static void stop() {
    if (apps != null) {
      apps.close();
    }
  }

  @Test
  void executorsGrowFromZeroToTwoAndBackToZero() throws Exception {
    Path log = apps.dir.resolve("elastic.log");
    Process driver = apps.submit(apps.submitUrl(), List.of(
            "--conf", "spark.dynamicAllocation.enabled=true",
            "--conf", "spark.dynamicAllocation.shuffleTracking.enabled=true",
            "--conf", "spark.dynamicAllocation.minExecutors=0",
            "--conf", "spark.dynamicAllocation.initialExecutors=0",
            "--conf", "spark.dynamicAllocation.maxExecutors=2",
            "--conf", "spark.dynamicAllocation.schedulerBacklogTimeout=1s",
            "--conf", "spark.dynamicAllocation.executorIdleTimeout=3s"),
        "io.corral.spark.apps.Elastic", apps.appJar(), List.of("16", apps.dir.resolve("release").toString()), log);
    // Once Spark released both executors, their Corral tasks have ended while the application runs on.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(3)).until(() -> {
      String fw = SparkApps.frameworkId(log);
      return fw != null && apps.tasksSeen(fw).size() == 2
          && apps.tasksSeen(fw).stream().allMatch(t -> TaskStates.isTerminal(t.getState()));
    });
    Files.createFile(apps.dir.resolve("release"));
    assertThat(SparkApps.await(driver, log)).as("exit code; see %s", log).isZero();
    String out = Files.readString(log);
    assertThat(out).contains("START_EXECUTORS=0").contains("PEAK=2").contains("TOTAL=120").contains("SHRUNK");
    assertThat(out).contains("executor target 0 -> 1").containsPattern("executor target \\d -> 0");
    assertThat(out).contains("Notify executor 1 to decommission").contains("Notify executor 2 to decommission")
        .contains("executor 1 decommissioned (Corral task executor-1 on")
        .contains("executor 2 decommissioned (Corral task executor-2 on")
        .contains("gracefully decommissioned: 2, decommission unfinished: 0, driver killed: 0, unexpectedly exited: 0")
        .doesNotContain("killing executor").doesNotContain("executor 1 lost").doesNotContain("executor 2 lost");
    String fw = SparkApps.frameworkId(log);
    assertThat(apps.tasksSeen(fw)).as("a clean, requested exit").allSatisfy(t -> {
      assertThat(t.getState()).isEqualTo(TaskState.TASK_FINISHED);
      assertThat(t.getLatestStatus().getMessage()).isEqualTo("Finished decommissioning");
    });
  }
}
