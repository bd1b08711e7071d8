package io.corral.hadoop;

import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * What the bridge's end-to-end tests share: a real HDFS (MiniDFSCluster) in the test JVM, a
 * Corral cluster with agent processes, and jobs from the unmodified examples jar submitted by a
 * separate client JVM, as {@code hadoop jar} would.
 */
final class HadoopJobs implements AutoCloseable {
  /** Small containers and heaps: 2 cores run everything. */
  static final List<String> SMALL = List.of(
      "-Dmapreduce.map.memory.mb=320", "-Dmapreduce.reduce.memory.mb=320",
      "-Dmapreduce.map.java.opts=-Xmx200m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
      "-Dmapreduce.reduce.java.opts=-Xmx200m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
      "-Dmapreduce.task.io.sort.mb=16", "-Dyarn.app.mapreduce.am.resource.mb=512",
      "-Dyarn.app.mapreduce.am.command-opts=-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
      "-Dmapreduce.map.speculative=false", "-Dmapreduce.reduce.speculative=false");

  final Path dir;
  final MiniDFSCluster hdfs;
  final LocalCluster corral;

  private HadoopJobs(Path dir, MiniDFSCluster hdfs, LocalCluster corral) {
    this.dir = dir;
    this.hdfs = hdfs;
    this.corral = corral;
  }

  static HadoopJobs start(String name, int agents) throws IOException {
    Path dir = Path.of(System.getProperty("corral.test.tmp", "target/it-tmp")).toAbsolutePath().resolve(name);
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 1);
    conf.setInt("dfs.namenode.handler.count", 4);
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf, dir.resolve("dfs").toFile()).numDataNodes(1).build();
    try {
      LocalCluster corral = LocalCluster.builder(dir.resolve("corral")).agents(agents)
          .mode(LocalCluster.Mode.PROCESSES).agentResources(Resources.parse("cpus:4;mem:4096"))
          .agentArgs(List.of("--hdfs-classpath", System.getProperty("java.class.path")))
          .masterConfig(m -> m.allocationInterval(Duration.ofMillis(200)))
          .start();
      return new HadoopJobs(dir, hdfs, corral);
    } catch (IOException | RuntimeException e) {
      hdfs.shutdown();
      throw e;
    }
  }

  String defaultFs() {
    return hdfs.getURI().toString();
  }

  /** The unmodified hadoop-mapreduce-examples jar, from the test classpath. */
  static String examplesJar() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.contains("hadoop-mapreduce-examples")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no hadoop-mapreduce-examples jar on the classpath"));
  }

  /** Runs {@code RunJar <examples jar> <program> -D... <args>} in a new JVM; returns its exit code. */
  int runExample(String program, List<String> options, List<String> args, Path log) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "org.apache.hadoop.util.RunJar", examplesJar(), program,
        "-Dmapreduce.framework.name=corral", "-Dcorral.master=" + corral.masterAddress(),
        "-Dfs.defaultFS=" + defaultFs()));
    cmd.addAll(SMALL);
    cmd.addAll(options);
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        throw new AssertionError(program + " did not end within 5 minutes; see " + log);
      }
      return p.exitValue();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  @Override
  public void close() {
    try {
      corral.close();
    } finally {
      hdfs.shutdown();
    }
  }
}
