package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client mode with unmodified tools: Spark's own {@code SparkSubmit} with a
 * {@code spark+corral://} master and the bridge jar in {@code --jars}, and an application that
 * sets {@code corral://} itself; executors are Spark's {@code CoarseGrainedExecutorBackend} in
 * Corral tasks on two agent processes.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SubmitIT {
  private static SparkApps apps;

  @BeforeAll
  static void start() throws Exception {
    apps = SparkApps.start("submit-it", 2);
  }

  @AfterAll
  static void stop() {
    if (apps != null) {
      apps.close();
    }
  }

  @Test
  void sparksOwnSimpleApplicationTestRunsThroughSparkSubmit() throws Exception {
    Path log = apps.dir.resolve("simple-application.log");
    Process driver = apps.submit(apps.submitUrl(), List.of("--conf", "spark.executor.instances=2"),
        "org.apache.spark.deploy.SimpleApplicationTest", SparkApps.sparkCoreTestsJar(), List.of(), log);
    assertThat(SparkApps.await(driver, log)).as("exit code; see %s", log).isZero();
    String fw = SparkApps.frameworkId(log);
    assertThat(fw).as("framework id in %s", log).isNotNull();
    List<Task> tasks = apps.tasksSeen(fw);
    assertThat(tasks).as("executor tasks").hasSizeGreaterThanOrEqualTo(1)
        .allMatch(t -> t.getTaskId().startsWith("executor-"));
    awaitGone(fw);
  }

  @Test
  void aShuffleRunsOnTwoExecutorsOnTwoAgents() throws Exception {
    Path log = apps.dir.resolve("group-by.log");
    long rows = 200_000;
    Process driver = apps.submit(apps.submitUrl(), List.of("--conf", "spark.executor.instances=2",
            "--conf", "spark.corral.role=analytics"),
        "io.corral.spark.apps.GroupBy", apps.appJar(), List.of(Long.toString(rows), "4"), log);
    assertThat(SparkApps.await(driver, log)).as("exit code; see %s", log).isZero();
    String out = Files.readString(log);
    assertThat(out).contains("GROUPS=100").contains("TOTAL=" + rows * (rows - 1) / 2);
    // Both executors ran tasks, each in a sandbox of a different agent.
    Matcher m = Pattern.compile("EXECUTORS=\\[(.*)]").matcher(out);
    assertThat(m.find()).as("executors line in %s", log).isTrue();
    Set<String> agentDirs = Pattern.compile(", ").splitAsStream(m.group(1))
        .map(e -> e.replaceAll(".*?/(agent-\\d+)/.*", "$1")).collect(Collectors.toSet());
    assertThat(agentDirs).as(m.group(1)).hasSize(2).allMatch(d -> d.matches("agent-\\d+"));
    String fw = SparkApps.frameworkId(log);
    assertThat(apps.roleSeen(fw)).as("the application's DRF role (spark.corral.role)").isEqualTo("analytics");
    List<Task> tasks = apps.tasksSeen(fw);
    assertThat(tasks).hasSize(2);
    assertThat(tasks.stream().map(Task::getAgentId).distinct()).hasSize(2);
    assertThat(tasks).allMatch(t -> t.getResourcesList().stream()
        .anyMatch(r -> r.getName().equals("mem") && r.getScalar() == 512 + 384));
    awaitGone(fw);
  }

  @Test
  void anApplicationSettingCorralAsItsMasterRunsASparkSessionQuery() throws Exception {
    Path log = apps.dir.resolve("session.log");
    Process driver = apps.runDirect("io.corral.spark.apps.SessionGroupBy",
        List.of("-Dspark.executor.instances=1", "-Dspark.executor.memory=512m", "-Dspark.driver.host=127.0.0.1",
            "-Dspark.ui.enabled=false", "-Dspark.corral.executor.home=" + SparkApps.SPARK_HOME,
            "-Dspark.executor.extraJavaOptions=-XX:+UseSerialGC -XX:TieredStopAtLevel=1"),
        List.of("corral://" + apps.corral.masterAddress(), "100000"), log);
    assertThat(SparkApps.await(driver, log)).as("exit code; see %s", log).isZero();
    assertThat(Files.readString(log)).contains("GROUPS=10").contains("TOTAL=" + 100_000L * 99_999 / 2);
    awaitGone(SparkApps.frameworkId(log));
  }

  /**
   * Agents with no Spark: the executors' Spark comes from a distribution on an HTTP server
   * ({@code spark.corral.executor.uri}), which each agent downloads once into its fetcher cache
   * and extracts into the executor's sandbox.
   */
  @Test
  void executorsRunFromASparkDistributionFetchedOverHttpOncePerAgent() throws Exception {
    Path dist = apps.dir.resolve("spark-4.0.2-bin-corral.tar");
    SparkDistribution.tar(SparkApps.SPARK_HOME.resolve("jars"), "spark-4.0.2-bin-corral/jars", dist);
    java.util.concurrent.atomic.AtomicInteger downloads = new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/", exchange -> {
      downloads.incrementAndGet();
      exchange.sendResponseHeaders(200, Files.size(dist));
      try (var body = exchange.getResponseBody()) {
        Files.copy(dist, body);
      }
    });
    http.start();
    try {
      String uri = "http://127.0.0.1:" + http.getAddress().getPort() + "/" + dist.getFileName();
      Path log = apps.dir.resolve("from-http.log");
      // Three executors: two on one agent, one on the other; each agent downloads once.
      Process driver = apps.submit(apps.submitUrl(), List.of("--conf", "spark.executor.instances=3",
              "--conf", "spark.corral.executor.home=", "--conf", "spark.corral.executor.uri=" + uri),
          "io.corral.spark.apps.GroupBy", apps.appJar(), List.of("30000", "3"), log);
      assertThat(SparkApps.await(driver, log)).as("exit code; see %s", log).isZero();
      assertThat(Files.readString(log)).contains("GROUPS=100").contains("fetched from " + uri);
      assertThat(apps.tasksSeen(SparkApps.frameworkId(log))).hasSize(3);
      assertThat(downloads.get()).as("downloads of the distribution").isBetween(1, 2);
    } finally {
      http.stop(0);
    }
  }

  /**
   * Agents with no Spark and no distribution given: the first application publishes the driver's
   * Spark to {@code spark.corral.executor.publishDir}; the next one finds it there.
   */
  @Test
  void theDriversSparkIsPublishedOnFirstUseAndReusedAfter() throws Exception {
    Path dir = apps.dir.resolve("published");
    List<String> conf = List.of("--conf", "spark.executor.instances=2", "--conf", "spark.corral.executor.home=",
        "--conf", "spark.corral.executor.publishDir=" + dir.toUri());
    Path first = apps.dir.resolve("publish-1.log");
    Process driver = apps.submit(apps.submitUrl(), conf, "io.corral.spark.apps.GroupBy", apps.appJar(),
        List.of("20000", "2"), first);
    assertThat(SparkApps.await(driver, first)).as("exit code; see %s", first).isZero();
    assertThat(Files.readString(first)).contains("GROUPS=100").containsPattern(
        "published the \\d+ jars of the Spark installation " + Pattern.quote(SparkApps.SPARK_HOME.toString())
            + " as file:" + Pattern.quote(dir.toString()) + "/spark-4\\.0\\.2-[0-9a-f]{16}\\.tar");
    try (var files = Files.list(dir)) {
      // (and Hadoop's local file system's hidden .crc file)
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
          .singleElement().asString().endsWith(".tar");
    }
    Path second = apps.dir.resolve("publish-2.log");
    driver = apps.submit(apps.submitUrl(), conf, "io.corral.spark.apps.GroupBy", apps.appJar(),
        List.of("20000", "2"), second);
    assertThat(SparkApps.await(driver, second)).as("exit code; see %s", second).isZero();
    assertThat(Files.readString(second)).contains("GROUPS=100").containsPattern(
        "found the \\d+ jars of the Spark installation \\S+ as file:" + Pattern.quote(dir.toString()));
  }

  /**
   * A driver whose Spark comes from Maven's repository, not from a Spark installation (an application
   * that brings Spark as its own dependency; no SPARK_HOME): told nothing about the executors' Spark, its
   * SparkContext fails at once naming the settings that would, before any executor is launched; given
   * {@code spark.corral.executor.publishDir}, it publishes its classpath's jars and the executors run from them.
   */
  @Test
  void aDriverOnAMavenClasspathIsToldWhereTheExecutorsSparkMustComeFromAndRunsWhenTold() throws Exception {
    Path log = apps.dir.resolve("maven-classpath.log");
    Process driver = apps.submitFromMavenClasspath(apps.submitUrl(), List.of("--conf", "spark.executor.instances=1"),
        "io.corral.spark.apps.GroupBy", apps.appJar(), List.of("20000", "2"), log);
    assertThat(SparkApps.awaitWithin(driver, Duration.ofSeconds(90), log)).as("exit code; see %s", log).isNotZero();
    assertThat(Files.readString(log)).as(log.toString()).containsPattern(
        "SparkException: the executors' Spark is not known: this driver does not run from a Spark installation"
            + " \\(SPARK_HOME is not set; spark-core was loaded from \\S+/spark-core_2\\.13-4\\.0\\.2\\.jar\\);"
            + " set spark\\.corral\\.executor\\.uri [^\\n]*, spark\\.corral\\.executor\\.home [^\\n]*"
            + " or spark\\.corral\\.executor\\.publishDir ");
    assertThat(SparkApps.frameworkId(log)).as("no framework registered, no executor launched").isNull();

    Path dir = apps.dir.resolve("published-from-maven");
    Path published = apps.dir.resolve("maven-classpath-published.log");
    driver = apps.submitFromMavenClasspath(apps.submitUrl(), List.of("--conf", "spark.executor.instances=1",
            "--conf", "spark.corral.executor.publishDir=" + dir.toUri()),
        "io.corral.spark.apps.GroupBy", apps.appJar(), List.of("20000", "2"), published);
    assertThat(SparkApps.await(driver, published)).as("exit code; see %s", published).isZero();
    assertThat(Files.readString(published)).contains("GROUPS=100").containsPattern(
        "published the \\d+ jars of the driver's classpath as file:" + Pattern.quote(dir.toString()) + "/spark-4\\.0\\.2-");
  }

  @Test
  void aWrongCorralUrlIsAOneLineError() throws Exception {
    for (String url : List.of("spark+corral://no-port-here", "spark+corral://", "spark+corral://host:http")) {
      Path log = apps.dir.resolve("wrong-url-" + Math.abs(url.hashCode()) + ".log");
      Process driver = apps.submit(url, List.of(), "io.corral.spark.apps.GroupBy", apps.appJar(),
          List.of("100", "1"), log);
      assertThat(SparkApps.await(driver, log)).as("exit code; see %s", log).isNotZero();
      assertThat(Files.readString(log)).as(log.toString())
          .containsPattern("SparkException: (invalid Corral master URL|Corral master URL) '" + Pattern.quote(url)
              + "'.*expected spark\\+corral://host:port or spark\\+corral://zk://host:port/path");
    }
  }

  @Test
  void aMasterThatDoesNotAnswerIsAOneLineErrorAfterTheRegistrationTimeout() throws Exception {
    Path log = apps.dir.resolve("no-master.log");
    Process driver = apps.submit("spark+corral://127.0.0.1:1", List.of("--conf", "spark.corral.registration.timeout=5s"),
        "io.corral.spark.apps.GroupBy", apps.appJar(), List.of("100", "1"), log);
    assertThat(SparkApps.await(driver, log)).as("exit code; see %s", log).isNotZero();
    assertThat(Files.readString(log)).as(log.toString()).contains(
        "SparkException: could not register with the Corral master 127.0.0.1:1 within 5 s"
            + " (spark.corral.registration.timeout); is it running?");
  }

  private static void awaitGone(String frameworkId) {
    // The framework (failover timeout 0) is torn down when the driver stops, its executors with it.
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !apps.hasFramework(frameworkId)
        && SparkApps.executorProcesses(frameworkId).isEmpty());
    assertThat(apps.tasks(frameworkId)).isEmpty();
  }
}
