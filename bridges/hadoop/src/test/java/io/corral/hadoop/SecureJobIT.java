package io.corral.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.testkit.SecuredCorral;
import io.corral.bridges.testkit.TestDirs;
import io.corral.common.security.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * MapReduce on a secured Corral cluster (TLS, credentials, ACLs): the job's client presents a
 * principal and its secret file through {@code corral.*} settings, and the job's AM, a Corral task
 * on an agent, subscribes as the job's framework with the same principal (the client carried it in
 * the job's credentials); a wrong secret or a role the ACLs do not give the principal fails the
 * submission with the master's reason.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecureJobIT {
  private static final String ACLS = """
      {
        "register_frameworks": [ {"principals": ["etl"], "roles": ["etl"]},
                                 {"principals": ["analyst"], "roles": ["analytics"]} ],
        "run_tasks":           [ {"principals": ["etl", "analyst"], "users": "ANY"} ]
      }
      """;
  private static SecuredCorral security;
  private static HadoopJobs jobs;

  @BeforeAll
  static void start() throws Exception {
    Path tmp = Path.of(System.getProperty("corral.test.tmp", "target/it-tmp")).toAbsolutePath();
    security = SecuredCorral.create(TestDirs.fresh(tmp.resolve("secure-job-it-files")),
        Map.of("etl", "etl-secret"), List.of("analyst"), ACLS);
    jobs = HadoopJobs.start("secure-job-it", 1, null, security);
  }

  @AfterAll
  static void stop() {
    if (jobs != null) {
      jobs.close();
    }
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT) // the failing submissions run beside the job
  void wordcountWithAPrincipalAndItsSecretFileRunsToTheEndOnASecuredCluster() throws Exception {
    FileSystem fs = jobs.fs();
    Map<String, Integer> expected = Texts.writeWords(fs, "/secure/in", 2, 100, 12);
    Path log = jobs.dir.resolve("wordcount.log");
    int rc = jobs.runExample("wordcount", settings("-Dcorral.principal=etl",
        "-Dcorral.secret.file=" + security.secretFile("etl")), List.of("/secure/in", "/secure/out"), log);
    assertThat(rc).as("wordcount exit code; see %s", log).isZero();
    assertThat(Texts.counts(Texts.parts(fs, "/secure/out/part-r-*"))).isEqualTo(expected);
    assertThat(Files.readString(log)).contains("completed successfully").doesNotContain("etl-secret");
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT) // the failing submissions run beside the job
  void aWrongSecretOrARoleTheAclsDoNotAllowFailsTheSubmissionWithTheMastersReason() throws Exception {
    Texts.writeWords(jobs.fs(), "/refused/in", 1, 10, 2);
    Path wrong = jobs.dir.resolve("wrong-secret.log");
    int rc = jobs.runExample("wordcount", settings("-Dcorral.principal=etl",
        "-Dcorral.secret.file=" + security.wrongSecretFile()), List.of("/refused/in", "/refused/out1"), wrong);
    assertThat(rc).as("exit code; see %s", wrong).isNotZero();
    assertThat(Files.readString(wrong)).as(wrong.toString())
        .contains("Corral master: the master refused the credentials: wrong principal or secret (principal 'etl')");

    TlsFiles analyst = security.client("analyst"); // a certificate, but analyst may not use role etl
    Path role = jobs.dir.resolve("wrong-role.log");
    rc = jobs.runExample("wordcount", settings("-Dcorral.tls.cert=" + analyst.cert(),
        "-Dcorral.tls.key=" + analyst.key()), List.of("/refused/in", "/refused/out2"), role);
    assertThat(rc).as("exit code; see %s", role).isNotZero();
    assertThat(Files.readString(role)).as(role.toString())
        .contains("Corral master: principal 'analyst' may not register a framework in role 'etl'");
  }

  /** Role etl, trusting the cluster's CA, with {@code more} settings. */
  private static List<String> settings(String... more) {
    List<String> out = new ArrayList<>(List.of("-Dcorral.role=etl", "-Dcorral.tls.ca=" + security.ca(),
        "-Dmapreduce.job.reduces=1"));
    out.addAll(List.of(more));
    return out;
  }
}
