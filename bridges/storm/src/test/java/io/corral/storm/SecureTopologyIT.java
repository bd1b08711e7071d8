package io.corral.storm;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.testkit.SecuredCorral;
import io.corral.bridges.testkit.TestDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Corral-backed Nimbus on a secured Corral cluster (TLS, credentials, ACLs): it presents a
 * principal and its secret file through {@code storm.corral.*} settings, and its Supervisors (Corral
 * executors of a secured agent) run a topology; a Nimbus with a wrong secret stops at once with
 * the master's reason.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SecureTopologyIT {
  private static final String ACLS = """
      {
        "register_frameworks": [ {"principals": ["storm"], "roles": ["streams"]} ],
        "run_tasks":           [ {"principals": ["storm"], "users": "ANY"} ]
      }
      """;
  private static SecuredCorral security;
  private static StormCluster storm;

  @BeforeAll
  static void start() throws Exception {
    Path tmp = Path.of(System.getProperty("corral.test.tmp", "target/it-tmp")).toAbsolutePath();
    security = SecuredCorral.create(TestDirs.fresh(tmp.resolve("secure-topology-it-files")),
        Map.of("storm", "storm-secret"), List.of(), ACLS);
    storm = StormCluster.start("secure-topology-it", 1, false, List.of("--role", "streams",
        "-c", "storm.corral.tls.ca=" + security.ca(), "-c", "storm.corral.principal=storm",
        "-c", "storm.corral.secret.file=" + security.secretFile("storm"),
        "-c", "executor.metrics.frequency.secs=5"), security);
  }

  @AfterAll
  static void stop() {
    if (storm != null) {
      storm.close();
    }
  }

  @Test
  void aTopologyRunsOnSupervisorsOfANimbusThatPresentsASecret() throws Exception {
    assertThat(storm.frameworkId()).as("the Nimbus's framework on the master").isNotNull();
    storm.submitWordCount("secure", 1, "wordcount.parallelism=1", "topology.component.resources.onheap.memory.mb=64",
        "topology.corral.worker.cpus=0.5", "topology.worker.childopts=-XX:+UseSerialGC",
        "wordcount.sentences.per.sec=100");
    StormCluster.await(Duration.ofMinutes(2), "acked tuples", () -> {
      try {
        return storm.acked("secure") > 0;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(storm.runningTasks(storm.frameworkId())).as("one Supervisor task").hasSize(1);
    assertThat(StormCluster.read(storm.nimbusLog())).doesNotContain("storm-secret");
  }

  @Test
  void aNimbusWithAWrongSecretStopsWithTheMastersReason() throws Exception {
    Path log = storm.dir.resolve("nimbus-wrong-secret.log");
    Process nimbus = storm.startOtherNimbus("wrong-secret", List.of("-c",
        "storm.corral.secret.file=" + security.wrongSecretFile()), log);
    assertThat(nimbus.waitFor(90, TimeUnit.SECONDS)).as("the Nimbus stopped; see %s", log).isTrue();
    assertThat(nimbus.exitValue()).isNotZero();
    assertThat(StormCluster.read(log)).contains("error: the Corral master " + storm.corral.masterAddress()
        + " refused the Nimbus's framework: the master refused the credentials: wrong principal or secret"
        + " (principal 'storm')");
  }
}
