package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.testkit.CorralCommands;
import io.corral.bridges.testkit.SecuredCorral;
import io.corral.bridges.testkit.TestDirs;
import io.corral.common.resources.Resources;
import io.corral.common.security.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * spark-submit against a secured Corral cluster (TLS, ACLs): the application presents a principal
 * and its secret file, or a client certificate, through {@code spark.corral.*} settings, and its
 * executors (Corral executors of a secured agent) reach the agent with the agent's token; a wrong
 * secret or a role the ACLs do not give the principal fails the application at once, with the
 * master's reason.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SecureSubmitIT {
  private static final String ACLS = """
      {
        "register_frameworks": [ {"principals": ["analyst"], "roles": ["analytics"]},
                                 {"principals": ["etl"], "roles": ["etl"]} ],
        "run_tasks":           [ {"principals": ["analyst", "etl"], "users": "ANY"} ]
      }
      """;
  private static SecuredCorral security;
  private static SparkApps apps;

  @BeforeAll
  static void start() throws Exception {
    Path tmp = Path.of(System.getProperty("corral.test.tmp", "target/it-tmp")).toAbsolutePath();
    security = SecuredCorral.create(TestDirs.fresh(tmp.resolve("secure-submit-it-files")),
        Map.of("analyst", "analyst-secret"), List.of("etl"), ACLS);
    apps = SparkApps.startFor(tmp.resolve("secure-submit-it"), 1, Resources.parse("cpus:2;mem:2048;disk:10000"),
        security);
  }

  @AfterAll
  static void stop() {
    if (apps != null) {
      apps.close();
    }
  }

  @Test
  void anApplicationWithAPrincipalAndItsSecretFileRunsAShuffleOnASecuredCluster() throws Exception {
    Path log = apps.dir.resolve("secret.log");
    Process driver = apps.submit(apps.submitUrl(), settings("analytics", "spark.corral.principal=analyst",
        "spark.corral.secret.file=" + security.secretFile("analyst")),
        "io.corral.spark.apps.GroupBy", apps.appJar(), List.of("20000", "2"), log);
    assertThat(SparkApps.await(driver, log)).as("exit code; see %s", log).isZero();
    String out = Files.readString(log);
    assertThat(out).contains("GROUPS=100").contains("TOTAL=" + 20_000L * 19_999 / 2)
        .contains("(TLS, principal analyst;").doesNotContain("analyst-secret");
    String fw = SparkApps.frameworkId(log);
    assertThat(apps.roleSeen(fw)).isEqualTo("analytics");
    assertThat(apps.tasksSeen(fw)).as("executor tasks").hasSize(1);
    // The driver tears its framework down with no ACL rule but its own registration.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> !apps.hasFramework(fw));
  }

  @Test
  void aWrongSecretOrARoleTheAclsDoNotAllowFailsTheApplicationAtOnceWithTheMastersReason() throws Exception {
    Path wrong = apps.dir.resolve("wrong-secret.log");
    long t0 = System.nanoTime();
    Process driver = apps.submit(apps.submitUrl(), settings("analytics", "spark.corral.principal=analyst",
        "spark.corral.secret.file=" + security.wrongSecretFile()),
        "io.corral.spark.apps.GroupBy", apps.appJar(), List.of("100", "1"), wrong);
    assertThat(SparkApps.await(driver, wrong)).as("exit code; see %s", wrong).isNotZero();
    assertThat(Files.readString(wrong)).as(wrong.toString()).contains("SparkException: the Corral master "
        + apps.corral.masterAddress() + " refused the application: the master refused the credentials: "
        + "wrong principal or secret (principal 'analyst')");

    // etl's certificate is its proof, but etl may only register in role etl.
    TlsFiles etl = security.client("etl");
    Path role = apps.dir.resolve("wrong-role.log");
    driver = apps.submit(apps.submitUrl(), settings("analytics", "spark.corral.tls.cert=" + etl.cert(),
        "spark.corral.tls.key=" + etl.key()), "io.corral.spark.apps.GroupBy", apps.appJar(), List.of("100", "1"), role);
    assertThat(SparkApps.await(driver, role)).as("exit code; see %s", role).isNotZero();
    assertThat(Files.readString(role)).as(role.toString())
        .contains("refused the application: principal 'etl' may not register a framework in role 'analytics'");
    // Neither waited for the registration timeout (60 s).
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(60);
  }

  /**
   * Cluster mode: {@code corral spark submit} registers the driver's framework with the
   * application's {@code spark.corral.*} credentials, and the driver task on the agent (the same
   * files, at the same paths here) takes it over and runs the application with them.
   */
  @Test
  void inClusterModeTheSubmitterAndTheDriverTaskPresentTheApplicationsCredentials() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-cp", System.getProperty("java.class.path"), CorralCommands.class.getName(),
        "spark", "submit", "--master", apps.corral.masterAddress().toString(), "--deploy-mode", "cluster",
        "--role", "analytics", "--spark-home", SparkApps.SPARK_HOME.toString(),
        "--bridge-jar", SparkApps.SHADED_JAR.toString(), "--driver-memory", "512m", "--failover-timeout", "30s"));
    cmd.addAll(settings("analytics", "spark.corral.principal=analyst",
        "spark.corral.secret.file=" + security.secretFile("analyst"), "spark.executor.memory=512m",
        "spark.driver.host=127.0.0.1", "spark.ui.enabled=false"));
    cmd.addAll(List.of("--class", "io.corral.spark.apps.GroupBy", apps.appJar().toString(), "20000", "2"));
    Path log = apps.dir.resolve("cluster-mode.log");
    Process submit = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(SparkApps.await(submit, log)).as("exit code; see %s", log).isZero();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("submitted: driver driver of framework (\\S+)")
        .matcher(Files.readString(log));
    assertThat(m.find()).as("submitted line in %s", log).isTrue();
    String fw = m.group(1);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2)).until(() -> apps.tasksSeen(fw).stream()
        .anyMatch(t -> t.getTaskId().equals("driver") && t.getState() == io.corral.protocol.TaskState.TASK_FINISHED));
    try (var files = Files.walk(apps.dir.resolve("corral"))) {
      Path stdout = files.filter(p -> p.toString().contains("/frameworks/" + fw + "/")
          && p.getFileName().toString().equals("stdout") && p.getParent().getFileName().toString().equals("driver"))
          .findFirst().orElseThrow();
      assertThat(Files.readString(stdout)).contains("ClusterDriver: holding framework " + fw).contains("GROUPS=100");
      assertThat(Files.readString(stdout.resolveSibling("stderr"))).contains("(TLS, principal analyst;")
          .doesNotContain("analyst-secret");
    }
  }

  /** One executor, in {@code role}, trusting the cluster's CA, with {@code more} settings. */
  private static List<String> settings(String role, String... more) {
    List<String> out = new ArrayList<>(List.of("--conf", "spark.executor.instances=1",
        "--conf", "spark.corral.role=" + role, "--conf", "spark.corral.tls.ca=" + security.ca()));
    for (String s : more) {
      out.addAll(List.of("--conf", s));
    }
    return out;
  }
}
