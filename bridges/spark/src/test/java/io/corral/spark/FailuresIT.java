package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.local.LocalAgent;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * What goes wrong under a running application: an executor JVM SIGKILLed mid-stage, an agent
 * lost with its executors, the driver SIGKILLed. Each test has its own cluster (an agent dies).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FailuresIT {
  private SparkApps apps;

  @BeforeEach
  void start(TestInfo info) throws Exception {
    apps = SparkApps.start("failures-it-" + info.getTestMethod().orElseThrow().getName(), 2);
  }

  @AfterEach
  void stop() {
    if (apps != null) {
      apps.close();
    }
  }

  @Test
  void anExecutorKilledMidStageIsReplacedAndTheJobSucceeds() throws Exception {
    Path release = apps.dir.resolve("release");
    Path log = apps.dir.resolve("slow-stage.log");
    Process driver = startSlowStage(release, log);
    String fw = awaitStageRunning(log, driver);
    ProcessHandle victim = SparkApps.executorProcesses(fw).get(0);
    victim.destroyForcibly();
    // Corral reports the task failed; Spark drops the executor and Corral launches another.
    Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> apps.tasksSeen(fw).stream()
        .anyMatch(t -> t.getTaskId().equals("executor-3") && t.getState() == TaskState.TASK_RUNNING));
    Files.createFile(release);
    assertThat(SparkApps.await(driver, log)).as("exit code; see %s", log).isZero();
    String out = Files.readString(log);
    assertThat(out).contains("TOTAL=78").containsPattern("executor [12] lost: Corral task executor-[12] on \\S+ ended TASK_FAILED");
    assertThat(apps.tasksSeen(fw)).filteredOn(t -> t.getState() == TaskState.TASK_FAILED).hasSize(1);
  }

  @Test
  void anAgentLostWithItsExecutorsDoesNotFailTheJob() throws Exception {
    Path release = apps.dir.resolve("release");
    Path log = apps.dir.resolve("slow-stage.log");
    Process driver = startSlowStage(release, log);
    String fw = awaitStageRunning(log, driver);
    // The machine goes: the agent and the executors it runs.
    Task first = apps.tasksSeen(fw).stream().filter(t -> t.getTaskId().equals("executor-1")).findFirst().orElseThrow();
    LocalAgent agent = apps.corral.agents().stream().filter(a -> first.getAgentId().equals(a.agentId())).findFirst()
        .orElseThrow();
    agent.kill();
    SparkApps.executorProcesses(fw).stream().filter(p -> onAgent(p, agent)).forEach(ProcessHandle::destroyForcibly);
    Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> apps.tasksSeen(fw).stream()
        .anyMatch(t -> t.getTaskId().equals("executor-3") && t.getState() == TaskState.TASK_RUNNING));
    Files.createFile(release);
    assertThat(SparkApps.await(driver, log)).as("exit code; see %s", log).isZero();
    assertThat(Files.readString(log)).contains("TOTAL=78");
    assertThat(apps.tasksSeen(fw)).filteredOn(t -> t.getTaskId().equals("executor-3"))
        .allMatch(t -> !t.getAgentId().equals(first.getAgentId()));
  }

  /** Also: the Spark UI lists the executors with their Corral host and their sandbox logs. */
  @Test
  void aDriverKilledLeavesNoExecutorBehind() throws Exception {
    Path log = apps.dir.resolve("slow-stage.log");
    Process driver = apps.submit(apps.submitUrl(), List.of("--conf", "spark.executor.instances=2",
            "--conf", "spark.ui.enabled=true", "--conf", "spark.ui.port=0"),
        "io.corral.spark.apps.SlowStage", apps.appJar(), List.of(apps.dir.resolve("never").toString(), "4"), log);
    String fw = awaitStageRunning(log, driver);
    assertThat(SparkApps.executorProcesses(fw)).hasSize(2);

    Matcher ui = Pattern.compile("started service 'SparkUI' on port (\\d+)").matcher(Files.readString(log));
    assertThat(ui.find()).as("Spark UI address in %s", log).isTrue();
    String executors = get("http://127.0.0.1:" + ui.group(1) + "/api/v1/applications/" + fw + "/executors");
    // each log link is the agent's HTTP view of the executor's sandbox file
    Matcher logs = Pattern.compile("\"stderr\"\\s*:\\s*\"(http://[^\"]+)\"").matcher(executors);
    List<String> stderrs = new java.util.ArrayList<>();
    while (logs.find()) {
      stderrs.add(logs.group(1).replace("\\u0026", "&"));
    }
    assertThat(stderrs).as(executors).hasSize(2);
    for (String stderr : stderrs) {
      assertThat(java.net.URLDecoder.decode(stderr, java.nio.charset.StandardCharsets.UTF_8))
          .contains("api/v1/files/view?path=" + fw + "/executors/").endsWith("/stderr");
      assertThat(get(stderr)).contains("Successfully registered with driver");
    }
    assertThat(executors).contains("\"hostPort\" : \"127.0.0.1:");

    driver.destroyForcibly();
    driver.waitFor();
    // Failover timeout 0: the master tears the framework down at once and kills its executors.
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !apps.hasFramework(fw)
        && SparkApps.executorProcesses(fw).isEmpty());
  }

  /**
   * Executors that cannot start fail the application with their error once
   * {@code spark.executor.maxNumFailures} of them failed, in a bounded time: a Spark home without Spark's jars
   * (the default limit, twice the executors: 4; the SparkContext is still waiting for its first executors) and
   * a Java agent missing on the agents (a limit of 2; a job is running, as the context waits for no executor).
   * The framework goes with the application.
   */
  @Test
  void executorsThatCannotStartFailTheApplicationWithTheirError() throws Exception {
    Path noSpark = apps.dir.resolve("no-spark");
    Files.createDirectories(noSpark.resolve("jars"));
    Path homeLog = apps.dir.resolve("no-spark.log");
    Process home = apps.submit(apps.submitUrl(), List.of("--conf", "spark.executor.instances=2",
            "--conf", "spark.corral.executor.home=" + noSpark),
        "io.corral.spark.apps.GroupBy", apps.appJar(), List.of("1000", "2"), homeLog);
    Path optionLog = apps.dir.resolve("missing-java-agent.log");
    Path javaAgent = apps.dir.resolve("no-such-agent.jar");
    Process option = apps.submit(apps.submitUrl(), List.of("--conf", "spark.executor.instances=1",
            "--conf", "spark.executor.maxNumFailures=2", "--conf", "spark.scheduler.minRegisteredResourcesRatio=0",
            "--conf", "spark.executor.extraJavaOptions=-javaagent:" + javaAgent),
        "io.corral.spark.apps.GroupBy", apps.appJar(), List.of("1000", "2"), optionLog);

    assertThat(SparkApps.awaitWithin(home, Duration.ofSeconds(150), homeLog)).as("exit code; see %s", homeLog)
        .isNotZero();
    assertThat(Files.readString(homeLog)).as(homeLog.toString()).containsPattern(
        "SparkException: 4 executors failed \\(spark\\.executor\\.maxNumFailures: 4\\); the last \\(executor \\d+"
            + " on 127\\.0\\.0\\.1\\): executor exited with status 1: [^\\n]*NoClassDefFoundError: [^\\n]*"
            + " \\(their Spark: installed at " + Pattern.quote(noSpark + "/jars") + "\\)");
    assertThat(SparkApps.awaitWithin(option, Duration.ofSeconds(150), optionLog)).as("exit code; see %s", optionLog)
        .isNotZero();
    assertThat(Files.readString(optionLog)).as(optionLog.toString()).containsPattern(
        "SparkException: Job aborted due to stage failure: 2 executors failed \\(spark\\.executor\\.maxNumFailures: 2\\);"
            + " the last \\(executor \\d+ on 127\\.0\\.0\\.1\\): executor exited with status 1: Error opening zip file or JAR"
            + " manifest missing : " + Pattern.quote(javaAgent.toString()));

    for (Map.Entry<Path, Integer> failed : Map.of(homeLog, 4, optionLog, 2).entrySet()) {
      String fw = SparkApps.frameworkId(failed.getKey());
      assertThat(fw).as("framework id in %s", failed.getKey()).isNotNull();
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !apps.hasFramework(fw));
      // (and perhaps one more, launched as the last failure came)
      assertThat(apps.tasksSeen(fw)).as("executors of %s", failed.getKey())
          .filteredOn(t -> t.getState() == TaskState.TASK_FAILED).hasSizeGreaterThanOrEqualTo(failed.getValue());
    }
  }

  private static String get(String url) throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    return r.body();
  }

  private Process startSlowStage(Path release, Path log) throws IOException {
    return apps.submit(apps.submitUrl(), List.of("--conf", "spark.executor.instances=2"),
        "io.corral.spark.apps.SlowStage", apps.appJar(), List.of(release.toString(), "4"), log);
  }

  /** Waits until both executors run and the stage's first task started; returns the framework id. */
  private String awaitStageRunning(Path log, Process driver) {
    Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> {
      if (!driver.isAlive()) {
        throw new AssertionError("the driver ended early; see " + log);
      }
      String fw = SparkApps.frameworkId(log);
      return fw != null && Files.readString(log).contains("STAGE_RUNNING")
          && SparkApps.executorProcesses(fw).size() == 2;
    });
    try {
      return SparkApps.frameworkId(log);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Whether an executor JVM runs in a sandbox of that agent (agent-N/ in its working directory). */
  private static boolean onAgent(ProcessHandle p, LocalAgent agent) {
    return SparkApps.cwd(p).contains("/agent-" + agent.index() + "/");
  }
}
