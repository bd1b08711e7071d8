package io.corral.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A job whose AM or containers no agent of the cluster could ever hold (the agents have 4 cpus
 * and 4096 MiB each) fails at once, naming what the largest agent has and the settings that size
 * the request, as YARN refuses a request above its maximum allocation: it used to wait for the
 * AM's launch timeout (300 s) and then guess. The two jobs run side by side.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@ExtendWith(SharedHadoop.class)
class UnfitRequestsIT {
  private static HadoopJobs jobs;
  private static Set<String> before;

  @BeforeAll
  static void cluster(HadoopJobs shared) throws Exception {
    jobs = shared;
    Texts.writeWords(jobs.fs(), "/unfit/in", 1, 40, 10);
    before = jobs.frameworks();
  }

  @AfterAll
  static void nothingIsLeft() {
    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(jobs.frameworks()).as("frameworks of the refused jobs").isSubsetOf(before));
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void anAmNoAgentCouldHoldFailsTheSubmissionAtOnce() throws Exception {
    Path log = jobs.dir.resolve("unfit-am.log");
    long start = System.nanoTime();
    int rc = jobs.runExample("wordcount", List.of("-Dyarn.app.mapreduce.am.resource.mb=8192"),
        List.of("/unfit/in", "/unfit/out-am"), log);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(rc).as("exit code (ExampleDriver's -1); see %s", log).isEqualTo(255);
    assertThat(Files.readString(log)).contains("java.io.IOException: the job's AM needs cpus:1;mem:8192, more than"
        + " any agent of the cluster has (the largest agent has cpus:4;disk:20000;mem:4096")
        .contains("): lower yarn.app.mapreduce.am.resource.mb / yarn.app.mapreduce.am.resource.cpu-vcores");
    assertThat(took).as("the client's whole run (the AM's launch timeout is 300 s)").isLessThan(Duration.ofSeconds(120));
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aMapNoAgentCouldHoldKillsTheJobAtOnce() throws Exception {
    Path log = jobs.dir.resolve("unfit-map.log");
    long start = System.nanoTime();
    int rc = jobs.runExample("wordcount", List.of("-Dmapreduce.map.memory.mb=4000"),
        List.of("/unfit/in", "/unfit/out-map"), log);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(rc).as("exit code; see %s", log).isEqualTo(1);
    // 4000 MiB fits an agent's 4096, but not with the TaskTracker executor (192) an agent needs too.
    assertThat(Files.readString(log)).containsPattern("Job job_\\d+_\\d+ failed with state KILLED due to: a map"
        + " container needs cpus:1;mem:4000 and its agent's TaskTracker executor mem:192, more than any agent of the"
        + " cluster has \\(the largest agent has cpus:4;disk:20000;mem:4096")
        .contains("): lower mapreduce.map.memory.mb / mapreduce.map.cpu.vcores (each container takes at least 1 cpu)"
            + " or corral.tasktracker.memory.mb. Killing the job.");
    assertThat(took).as("the client's whole run").isLessThan(Duration.ofSeconds(240));
  }
}
