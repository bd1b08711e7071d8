package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;

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
 * idle ones ({@code doKillExecutors}: Corral kills their tasks) until none is left.
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
    // Once Spark released both executors, Corral reports both tasks killed while the application runs on.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(3)).until(() -> {
      String fw = SparkApps.frameworkId(log);
      return fw != null && apps.tasksSeen(fw).size() == 2
          && apps.tasksSeen(fw).stream().allMatch(t -> t.getState() == TaskState.TASK_KILLED);
    });
    Files.createFile(apps.dir.resolve("release"));
    assertThat(SparkApps.await(driver, log)).as("exit code; see %s", log).isZero();
    String out = Files.readString(log);
    assertThat(out).contains("START_EXECUTORS=0").contains("PEAK=2").contains("TOTAL=120").contains("SHRUNK");
    assertThat(out).contains("executor target 0 -> 1").containsPattern("executor target \\d -> 0");
    assertThat(out).contains("killing executor 1 (task executor-1)").contains("killing executor 2 (task executor-2)")
        .contains("executor 1 killed (Corral task executor-1 on").contains("executor 2 killed (Corral task executor-2 on");
  }
}
