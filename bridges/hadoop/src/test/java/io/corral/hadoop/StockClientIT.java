package io.corral.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.hadoop.common.CorralMr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A MapReduce client as Java applications and workflow tools build it: Maven's
 * {@code hadoop-client:3.4.2} with its dependencies, plus corral-hadoop.jar, and nothing else (no
 * MRAppMaster, YarnChild or ShuffleHandler). Given the agents' classpath
 * ({@code corral.hadoop.classpath}: Hadoop's jars and the jar, as installed on every agent) it
 * submits, and the job runs; without one the submission fails at once, naming the settings.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@ExtendWith(SharedHadoop.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StockClientIT {
  private static HadoopJobs jobs;
  private static Map<String, Integer> words;
  private static String clientClasspath;

  @BeforeAll
  static void cluster(HadoopJobs shared) throws Exception {
    jobs = shared;
    words = Texts.writeWords(jobs.fs(), "/stock/in", 2, 80, 15);
    clientClasspath = HadoopRuntime.hadoopClientClasspath(HadoopRuntime.confDir(jobs.dir.resolve("stock")));
  }

  @Test
  @Order(1)
  void withoutAnAgentClasspathTheSubmissionFailsAtOnceNamingTheSettings() throws Exception {
    Set<String> before = jobs.frameworks();
    Path log = jobs.dir.resolve("stock-no-agent-classpath.log");
    long start = System.nanoTime();
    int rc = HadoopRuntime.runExample(jobs, clientClasspath, "wordcount", List.of(),
        List.of("/stock/in", "/stock/out-refused"), log);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    String out = Files.readString(log);
    assertThat(rc).as("exit code (ExampleDriver's -1); see %s", log).isEqualTo(255);
    assertThat(out).contains("java.io.IOException: the job's AM and executors would run on the agents with this"
        + " client's classpath, which has no org.apache.hadoop.mapreduce.v2.app.MRAppMaster"
        + " (hadoop-mapreduce-client-app) and no org.apache.hadoop.mapred.ShuffleHandler"
        + " (hadoop-mapreduce-client-shuffle): set " + CorralMr.CLASSPATH + " to Hadoop's jars and corral-hadoop.jar"
        + " as installed on every agent").contains("or corral.hadoop.bundle.uri to a bundle of them")
        .doesNotContain("NoClassDefFoundError");
    assertThat(jobs.frameworkNamesSince(before)).doesNotContain("word count"); // none was registered
    assertThat(took).as("the client's whole run").isLessThan(Duration.ofSeconds(90));
  }

  @Test
  @Order(2)
  void withTheAgentsClasspathGivenTheJobRuns() throws Exception {
    Path log = jobs.dir.resolve("stock-wordcount.log");
    int rc = HadoopRuntime.runExample(jobs, clientClasspath, "wordcount",
        List.of("-D" + CorralMr.CLASSPATH + "=" + HadoopRuntime.agentClasspath(), "-Dmapreduce.job.reduces=2"),
        List.of("/stock/in", "/stock/out"), log);
    assertThat(rc).as("exit code; see %s", log).isZero();
    assertThat(Files.readString(log)).contains("completed successfully").contains("Launched reduce tasks=2")
        .doesNotContain("NoClassDefFoundError");
    assertThat(Texts.counts(Texts.parts(jobs.fs(), "/stock/out/part-r-*"))).isEqualTo(words);
  }
}
