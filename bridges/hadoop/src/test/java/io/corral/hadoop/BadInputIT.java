package io.corral.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.protocol.TaskState;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input ends as it does on YARN (same exit code, same messages in the client's output), and
 * leaves the pool healthy: nothing of a failed job keeps running, and the last test runs a job.
 * The three jobs whose tasks fail are submitted together before the tests (each test then waits
 * for its own client): they run side by side, as a shared pool's jobs do.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@ExtendWith(SharedHadoop.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {
  private static HadoopJobs jobs;
  private static Map<String, Integer> words;
  /** Clients of the jobs with failing tasks, by BadTasks mode, started together. */
  private static final Map<String, Process> FAILING = new java.util.HashMap<>();

  @BeforeAll
  static void cluster(HadoopJobs shared) throws Exception {
    jobs = shared;
    words = Texts.writeWords(jobs.fs(), "/bad/in", 1, 60, 12);
    for (String mode : List.of("nojar", "throw", "exit")) {
      FAILING.put(mode, jobs.start(jobs.testJobsJar(), "bad", List.of("-Dmapreduce.map.maxattempts=2"),
          List.of(mode, "/bad/in", "/bad/out-" + mode), log(mode)));
    }
  }

  @org.junit.jupiter.api.AfterAll
  static void stopClients() {
    FAILING.values().forEach(p -> {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    });
  }

  private static java.nio.file.Path log(String mode) {
    return jobs.dir.resolve("bad-" + mode + ".log");
  }

  /** Runs one of the failing jobs' clients to its end, checks it failed (exit 1); returns its output. */
  private static String failedJobOutput(String mode) throws Exception {
    assertThat(HadoopJobs.await(FAILING.get(mode), log(mode))).as("exit code; see %s", log(mode)).isEqualTo(1);
    return Files.readString(log(mode));
  }

  @Test
  @Order(1)
  void missingJobJarIsReportedByTheClient() throws Exception {
    Set<String> before = jobs.frameworks();
    java.nio.file.Path log = jobs.dir.resolve("bad-missing-jar.log");
    int rc = HadoopJobs.await(jobs.start(jobs.dir.resolve("no-such.jar").toString(), "wordcount", List.of(),
        List.of("/bad/in", "/bad/out-missing-jar"), log), log);
    assertThat(rc).as("RunJar's exit code; see %s", log).isEqualTo(255);
    assertThat(Files.readString(log)).contains("JAR does not exist or is not a normal file: "
        + jobs.dir.resolve("no-such.jar"));
    assertThat(jobs.frameworkNamesSince(before)).doesNotContain("word count"); // none was registered
  }

  @Test
  @Order(2)
  void missingInputPathFailsTheSubmission() throws Exception {
    Set<String> before = jobs.frameworks();
    java.nio.file.Path log = jobs.dir.resolve("bad-missing-input.log");
    int rc = jobs.runExample("wordcount", List.of(), List.of("/bad/no-such-input", "/bad/out-missing-input"), log);
    assertThat(rc).as("exit code (ExampleDriver's -1); see %s", log).isEqualTo(255);
    assertThat(Files.readString(log)).contains("org.apache.hadoop.mapreduce.lib.input.InvalidInputException: "
        + "Input path does not exist: " + jobs.defaultFs() + "/bad/no-such-input");
    assertThat(jobs.frameworkNamesSince(before)).doesNotContain("word count"); // none was registered
  }

  @Test
  @Order(3)
  void existingOutputPathFailsTheSubmission() throws Exception {
    jobs.fs().mkdirs(new Path("/bad/existing-out"));
    Set<String> before = jobs.frameworks();
    java.nio.file.Path log = jobs.dir.resolve("bad-existing-output.log");
    int rc = jobs.runExample("wordcount", List.of(), List.of("/bad/in", "/bad/existing-out"), log);
    assertThat(rc).as("exit code (ExampleDriver's -1); see %s", log).isEqualTo(255);
    assertThat(Files.readString(log)).contains("org.apache.hadoop.mapred.FileAlreadyExistsException: "
        + "Output directory " + jobs.defaultFs() + "/bad/existing-out already exists");
    assertThat(jobs.frameworkNamesSince(before)).doesNotContain("word count"); // none was registered
  }

  @Test
  @Order(4)
  void jobWithoutItsJarFailsItsTasksWithClassNotFound() throws Exception {
    assertThat(failedJobOutput("nojar")).contains("No job jar file set.")
        .contains("java.lang.ClassNotFoundException: Class io.corral.hadoop.jobs.Words$Tokens not found")
        .containsPattern("Job job_\\d+_\\d+ failed with state FAILED due to: Task failed task_\\d+_\\d+_m_000000")
        .contains("Job failed as tasks failed. failedMaps:1 failedReduces:0");
    assertJobGone(log("nojar"));
  }

  @Test
  @Order(5)
  void mapperThatThrowsFailsTheJobWithItsError() throws Exception {
    // As with YARN the client prints the failed attempts that were retried; the last one ends the
    // task (TIPFAILED) and shows in the job's diagnostics.
    assertThat(failedJobOutput("throw")).containsPattern("Task Id : attempt_\\d+_\\d+_m_000000_0, Status : FAILED")
        .contains("Error: java.lang.IllegalStateException: bad record at offset 0")
        .containsPattern("Job job_\\d+_\\d+ failed with state FAILED due to: Task failed task_\\d+_\\d+_m_000000")
        .contains("Failed map tasks=2");
    assertThat(jobs.fs().exists(new Path("/bad/out-throw/_SUCCESS"))).isFalse();
    assertJobGone(log("throw"));
  }

  @Test
  @Order(6)
  void taskJvmThatExitsFailsTheAttemptWithItsExitCode() throws Exception {
    assertThat(failedJobOutput("exit")).containsPattern("Task Id : attempt_\\d+_\\d+_m_000000_0, Status : FAILED")
        .contains("Container exited with a non-zero exit code 3")
        .containsPattern("Job job_\\d+_\\d+ failed with state FAILED due to: Task failed task_\\d+_\\d+_m_000000");
    assertJobGone(log("exit"));
  }

  @Test
  @Order(7)
  void amThatDiesMidJobFailsTheJobInsteadOfRunningForever() throws Exception {
    java.nio.file.Path log = jobs.dir.resolve("bad-am-dies.log");
    Process client = jobs.start(jobs.testJobsJar(), "slow", List.of("-Dcorral.test.line.millis=500"),
        List.of("/bad/in", "/bad/out-am-dies"), log);
    try {
      String[] frameworkId = new String[1];
      await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(300)).until(() -> {
        String jobId = HadoopJobs.jobId(log);
        frameworkId[0] = jobId == null ? null : jobs.frameworkId(jobId);
        return frameworkId[0] != null && jobs.tasks(frameworkId[0]).stream()
            .anyMatch(t -> t.getName().contains("_m_") && t.getState() == TaskState.TASK_RUNNING);
      });
      ProcessHandle am = HadoopJobs.processesOf(frameworkId[0]).stream()
          .filter(p -> p.info().command().orElse("").endsWith("java")
              && HadoopJobs.commandLine(p).contains("CorralMRAppMaster")).findFirst().orElseThrow();
      am.destroyForcibly(); // SIGKILL

      assertThat(HadoopJobs.await(client, log)).as("exit code; see %s", log).isEqualTo(1);
      assertThat(Files.readString(log)).containsPattern("Job job_\\d+_\\d+ failed with state FAILED due to: "
          + "Application application_\\d+_\\d+ failed 1 times due to AM Container for appattempt_\\d+_\\d+_000001 "
          + "exited with  exitCode: 137");
      assertJobGone(log);
    } finally {
      client.destroyForcibly();
    }
  }

  @Test
  @Order(8)
  void aJobAfterTheBadOnesSucceeds() throws Exception {
    java.nio.file.Path log = jobs.dir.resolve("bad-then-good.log");
    int rc = jobs.runExample("wordcount", List.of(), List.of("/bad/in", "/bad/out-good"), log);
    assertThat(rc).as("exit code; see %s", log).isZero();
    assertThat(Texts.counts(Texts.parts(jobs.fs(), "/bad/out-good/part-r-*"))).isEqualTo(words);
  }

  /** Nothing of the job in the client's log is left: its framework is gone, and all its processes. */
  private static void assertJobGone(java.nio.file.Path log) throws Exception {
    String jobId = HadoopJobs.jobId(log);
    assertThat(jobId).as("job id in %s", log).isNotNull();
    String frameworkId = jobs.frameworkId(jobId);
    assertThat(frameworkId).isNotNull();
    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      assertThat(jobs.frameworks()).doesNotContain(frameworkId);
      assertThat(HadoopJobs.processesOf(frameworkId)).isEmpty();
    });
  }
}
