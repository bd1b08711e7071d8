package io.corral.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.fetcher.BundlePush;
import io.corral.fetcher.HdfsSupport;
import io.corral.hadoop.common.AgentJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bridge as a Hadoop user runs it: every JVM it starts (client, AM, TaskTracker executors,
 * YarnChild tasks) has only Hadoop's jars, with Hadoop's own protobuf 2.5 and Guava 27, plus
 * corral-hadoop.jar; nothing of the test classpath. The agents have no Hadoop: the AM and the
 * executors come from a bundle pushed to HDFS with {@code corral bundle push} and fetched
 * through the agents' fetcher cache ({@code corral.hadoop.bundle.uri}). They all find the master
 * as users with standby masters do, through ZooKeeper ({@code corral.master=zk://...}), with the
 * jar's relocated Curator and ZooKeeper next to Hadoop's own ZooKeeper client.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class IsolatedClasspathIT {
  private static TestingServer zk;
  private static HadoopJobs jobs;

  @BeforeAll
  static void start() throws Exception {
    zk = new TestingServer(true);
    jobs = HadoopJobs.start("IsolatedClasspathIT", 2, "zk://" + zk.getConnectString() + "/corral-isolated");
  }

  @AfterAll
  static void stop() throws Exception {
    if (jobs != null) {
      jobs.close();
    }
    if (zk != null) {
      zk.close();
    }
  }

  @Test
  void wordcountRunsWithOnlyHadoopsJarsAndTheShadedJarFetchedAsABundleFromHdfs() throws Exception {
    FileSystem fs = jobs.hdfs.getFileSystem();
    Map<String, Integer> expected = writeInput(fs, new Path("/in"));

    java.nio.file.Path bundle = HadoopRuntime.bundleDir(jobs.dir.resolve("bundle"));
    String uri = jobs.defaultFs() + "/apps/corral/corral-hadoop-bundle.tar.gz";
    BundlePush.push(bundle, uri, HdfsSupport.ofThisInstallation(), Duration.ofMinutes(5)); // corral bundle push

    java.nio.file.Path log = jobs.dir.resolve("wordcount.log");
    String clientClasspath = HadoopRuntime.clientClasspath(HadoopRuntime.confDir(jobs.dir));
    int rc = HadoopRuntime.runExample(jobs, clientClasspath, "wordcount",
        List.of("-Dmapreduce.job.reduces=2", "-D" + AgentJvm.BUNDLE_URI + "=" + uri), List.of("/in", "/out"), log);
    assertThat(rc).as("wordcount exit code; see %s", log).isZero();
    assertThat(jobs.master).startsWith("zk://");

    assertThat(readCounts(fs, new Path("/out"))).isEqualTo(expected);
    assertThat(Files.readString(log)).contains("completed successfully").contains("Launched reduce tasks=2");

    // The AM and the executors ran from the fetched bundle, and every task JVM's classpath is the
    // executor's: the bundle's jars in its sandbox, nothing from the build.
    java.nio.file.Path cluster = jobs.dir.resolve("corral");
    List<java.nio.file.Path> sandboxJars;
    List<java.nio.file.Path> launchScripts;
    try (Stream<java.nio.file.Path> all = Files.walk(cluster)) {
      List<java.nio.file.Path> files = all.toList();
      sandboxJars = files.stream().filter(p -> p.endsWith("lib/corral-hadoop.jar"))
          .filter(p -> !p.startsWith(cluster.resolve("cache")) && !p.toString().contains("/cache/")).toList();
      launchScripts = files.stream().filter(p -> p.getFileName().toString().equals("launch_container.sh")).toList();
    }
    assertThat(sandboxJars).as("corral-hadoop.jar in the AM's and the executors' sandboxes").hasSizeGreaterThanOrEqualTo(2);
    assertThat(launchScripts).as("task launch scripts").hasSizeGreaterThanOrEqualTo(5);
    for (java.nio.file.Path script : launchScripts) {
      String classpath = Files.readAllLines(script).stream().filter(l -> l.startsWith("export CLASSPATH="))
          .reduce("", String::concat);
      assertThat(classpath).as(script.toString()).contains("/lib/").doesNotContain(".m2/repository")
          .doesNotContain("test-classes").doesNotContain("target/classes");
    }
  }

  private static Map<String, Integer> writeInput(FileSystem fs, Path dir) throws Exception {
    String[] words = {"relocated", "protobuf", "guava", "netty", "bundle", "fetcher", "agent", "hadoop"};
    Map<String, Integer> expected = new TreeMap<>();
    for (int f = 0; f < 3; f++) {
      try (FSDataOutputStream out = fs.create(new Path(dir, "part-" + f))) {
        for (int line = 0; line < 100; line++) {
          StringBuilder sb = new StringBuilder();
          for (int w = 0; w <= (line + f) % 5; w++) {
            String word = words[(line * 7 + w * 3 + f) % words.length];
            expected.merge(word, 1, Integer::sum);
            sb.append(word).append(' ');
          }
          out.write((sb.toString().trim() + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    return expected;
  }

  private static Map<String, Integer> readCounts(FileSystem fs, Path out) throws Exception {
    Map<String, Integer> counted = new TreeMap<>();
    for (FileStatus part : fs.globStatus(new Path(out, "part-r-*"))) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(part.getPath()), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          String[] kv = line.split("\t");
          counted.put(kv[0], Integer.parseInt(kv[1]));
        }
      }
    }
    return counted;
  }
}
