package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.testkit.CorralCommands;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cluster mode: {@code corral spark submit --deploy-mode cluster} runs the driver itself as a
 * Corral task and returns as soon as it runs (the submitting process is gone before the
 * application ends); the driver's output is in its sandbox; {@code --supervise} restarts a
 * driver that fails.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ClusterModeIT {
  private static final Pattern SUBMITTED = Pattern.compile(
      "submitted: driver driver of framework (\\S+) on 127\\.0\\.0\\.1 \\(agent \\S+\\)");
  private static SparkApps apps;

  @BeforeAll
  static void start() throws Exception {
    apps = SparkApps.start("cluster-mode-it", 2);
  }

  @AfterAll
  static void stop() {
    if (apps != null) {
      apps.close();
    }
  }

  @Test
  void theDriverRunsAsACorralTaskAfterTheSubmitterLeft() throws Exception {
    String fw = submit(List.of(), "io.corral.spark.apps.GroupBy", List.of("20000", "2"), "cluster.log");
    Task driver = awaitDriverEnd(fw);
    assertThat(driver.getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(driver.getSchedulerTask()).as("the driver: its framework's scheduler task").isTrue();
    String out = driverStdout(fw);
    assertThat(out).contains("GROUPS=100").contains("TOTAL=" + 20000L * 19999 / 2)
        .contains("ClusterDriver: holding framework " + fw).contains("the Spark driver exited with 0");
    // The driver's framework goes after its failover timeout (30 s: the driver task must take the framework
    // over within it, and a loaded 2-core machine was seen to need 9.4 s to start its JVM); the application's at once.
    Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> !apps.hasFramework(fw));
  }

  @Test
  void aSupervisedDriverThatFailsIsRestarted() throws Exception {
    Path marker = apps.dir.resolve("failed-once");
    String fw = submit(List.of("--supervise"), "io.corral.spark.apps.FailOnce",
        List.of(marker.toString(), "20000", "2"), "supervise.log");
    assertThat(awaitDriverEnd(fw).getState()).isEqualTo(TaskState.TASK_FINISHED);
    String out = driverStdout(fw);
    assertThat(out).contains("FAILING_ON_PURPOSE").contains("the Spark driver exited with 3")
        .contains("starting the Spark driver (attempt 2)").contains("GROUPS=100");
  }

  @Test
  void clientModeAndAMissingSparkAreRefusedWithAReason() throws Exception {
    Path log = apps.dir.resolve("refused.log");
    List<String> cmd = cli(List.of("spark", "submit", "--master", apps.corral.masterAddress().toString(),
        "--deploy-mode", "client", "--spark-home", SparkApps.SPARK_HOME.toString(), "app.jar"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(SparkApps.await(p, log)).isEqualTo(2);
    assertThat(Files.readString(log)).contains("in client mode run spark-submit --master spark+corral://<master>");
    Path log2 = apps.dir.resolve("refused-2.log");
    cmd = cli(List.of("spark", "submit", "--master", apps.corral.masterAddress().toString(), "app.jar"));
    p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log2.toFile()).start();
    assertThat(SparkApps.await(p, log2)).isEqualTo(2);
    assertThat(Files.readString(log2)).contains("give one of --spark-home");
  }

  /** Runs {@code corral spark submit} in its own JVM; returns the driver's framework id. */
  private static String submit(List<String> options, String main, List<String> args, String logName)
      throws Exception {
    List<String> a = new ArrayList<>(List.of("spark", "submit", "--master", apps.corral.masterAddress().toString(),
        "--deploy-mode", "cluster", "--spark-home", SparkApps.SPARK_HOME.toString(),
        "--bridge-jar", SparkApps.SHADED_JAR.toString(), "--driver-memory", "512m", "--failover-timeout", "30s"));
    a.addAll(options);
    a.addAll(List.of("--conf", "spark.executor.memory=512m", "--conf", "spark.executor.instances=1",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.executor.extraJavaOptions=-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
        "--class", main, apps.appJar().toString()));
    a.addAll(args);
    Path log = apps.dir.resolve(logName);
    Process p = new ProcessBuilder(cli(a)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(SparkApps.await(p, log)).as("exit code; see %s", log).isZero();
    Matcher m = SUBMITTED.matcher(Files.readString(log));
    assertThat(m.find()).as("submitted line in %s", log).isTrue();
    return m.group(1);
  }

  private static List<String> cli(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-cp", System.getProperty("java.class.path"), CorralCommands.class.getName()));
    cmd.addAll(args);
    return cmd;
  }

  private static Task awaitDriverEnd(String fw) {
    Awaitility.await().atMost(Duration.ofMinutes(3)).until(() -> apps.tasksSeen(fw).stream()
        .anyMatch(t -> t.getTaskId().equals("driver") && isEnded(t.getState())));
    return apps.tasksSeen(fw).stream().filter(t -> t.getTaskId().equals("driver")).findFirst().orElseThrow();
  }

  private static boolean isEnded(TaskState s) {
    return s != TaskState.TASK_STAGING && s != TaskState.TASK_STARTING && s != TaskState.TASK_RUNNING
        && s != TaskState.TASK_KILLING;
  }

  /** The driver task's stdout, from its sandbox on whichever agent ran it. */
  private static String driverStdout(String fw) throws Exception {
    String marker = File.separator + "frameworks" + File.separator + fw + File.separator;
    try (var files = Files.walk(apps.dir.resolve("corral"))) {
      Optional<Path> stdout = files.filter(p -> p.toString().contains(marker) && p.getFileName().toString()
          .equals("stdout") && p.getParent().getFileName().toString().equals("driver")).findFirst();
      assertThat(stdout).as("driver sandbox of %s", fw).isPresent();
      return Files.readString(stdout.get());
    }
  }
}
