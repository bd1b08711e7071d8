package io.corral.hadoop;

import io.corral.bridges.testkit.Processes;
import io.corral.bridges.testkit.SecuredCorral;
import io.corral.common.resources.Resources;
import io.corral.hadoop.common.CorralMr;
import io.corral.local.LocalCluster;
import io.corral.protocol.Task;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.mapreduce.JobID;

/**
 * What the bridge's end-to-end tests share: a real HDFS (MiniDFSCluster) in the test JVM, a
 * Corral cluster with agent processes, and jobs submitted by a separate client JVM, as
 * {@code hadoop jar} would: from the unmodified examples jar, or from the test job jar built from
 * {@code src/test/jobs} at test time. One instance serves every test class of a run
 * ({@link SharedHadoop}).
 */
final class HadoopJobs implements AutoCloseable {
  /** Small containers and heaps: 2 cores run everything. */
  static final List<String> SMALL = List.of(
      "-Dmapreduce.map.memory.mb=320", "-Dmapreduce.reduce.memory.mb=320",
      "-Dmapreduce.map.java.opts=-Xmx200m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
      "-Dmapreduce.reduce.java.opts=-Xmx200m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
      "-Dmapreduce.task.io.sort.mb=16", "-Dyarn.app.mapreduce.am.resource.mb=512",
      "-Dyarn.app.mapreduce.am.command-opts=-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
      "-Dmapreduce.map.speculative=false", "-Dmapreduce.reduce.speculative=false",
      "-Dmapreduce.client.progressmonitor.pollinterval=500");
  /** Between a preemption notice and the kill (the master's default is 10 s). */
  static final Duration PREEMPTION_GRACE = Duration.ofSeconds(3);
  private static final Pattern JOB_ID = Pattern.compile("(?:Running job: |submitted )(job_\\d+_\\d+)");

  final Path dir;
  final MiniDFSCluster hdfs;
  final LocalCluster corral;
  /** What jobs get as {@code corral.master}: the master's address, or the zk:// URL it is elected through. */
  final String master;
  private Path testJobsJar;

  private HadoopJobs(Path dir, MiniDFSCluster hdfs, LocalCluster corral, String master) {
    this.dir = dir;
    this.hdfs = hdfs;
    this.corral = corral;
    this.master = master;
  }

  static HadoopJobs start(String name, int agents) throws IOException {
    return start(name, agents, null);
  }

  /**
   * With {@code zkUrl} ({@code zk://host:port/path}), the master is elected through that ZooKeeper
   * and jobs find it there (the agents still get its address).
   */
  static HadoopJobs start(String name, int agents, String zkUrl) throws IOException {
    return start(name, agents, zkUrl, null);
  }

  /** With {@code security}, the master and the agents are secured (TLS, credentials, ACLs). */
  static HadoopJobs start(String name, int agents, String zkUrl, SecuredCorral security) throws IOException {
    Path dir = io.corral.bridges.testkit.TestDirs.fresh(name);
    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 1);
    conf.setInt("dfs.namenode.handler.count", 4);
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf, dir.resolve("dfs").toFile()).numDataNodes(1).build();
    try {
      LocalCluster corral = LocalCluster.builder(dir.resolve("corral")).agents(agents)
          // A fixed disk: an agent restarted after AgentLossIT must offer what its checkpoint says.
          .mode(LocalCluster.Mode.PROCESSES).agentResources(Resources.parse("cpus:4;mem:4096;disk:20000"))
          .agentArgs(agentArgs(security))
          // An agent killed mid-job (AgentLossIT) is lost after 8 missed pings of 1 s (not fewer:
          // jobs run side by side and starve the agents' threads of CPU at times).
          // The classes' jobs run side by side, each AM as its framework's scheduler task: as many AMs as fit (the
          // default share, a tenth, would let one 1536 MiB AM run at a time on this pool). The share's own tests
          // are the master's and SchedulerTaskShareIT.
          .masterConfig(m -> {
            m.allocationInterval(Duration.ofMillis(200)).agentPingTimeout(Duration.ofSeconds(1))
                .maxAgentPingTimeouts(8).schedulerTaskShare(1.0).zk(zkUrl)
                // Quotas (PreemptionIT) through the HTTP API; a short grace keeps preemption tests short.
                .httpPort(0).preemptionGrace(PREEMPTION_GRACE);
            if (security != null) {
              security.master(m);
            }
          })
          .start();
      return new HadoopJobs(dir, hdfs, corral, zkUrl != null ? zkUrl : corral.masterAddress().toString());
    } catch (IOException | RuntimeException e) {
      hdfs.shutdown();
      throw e;
    }
  }

  private static List<String> agentArgs(SecuredCorral security) {
    List<String> args = new ArrayList<>(List.of("--hdfs-classpath", System.getProperty("java.class.path")));
    if (security != null) {
      args.addAll(security.agentArgs());
    }
    return args;
  }

  String defaultFs() {
    return hdfs.getURI().toString();
  }

  FileSystem fs() throws IOException {
    return hdfs.getFileSystem();
  }

  /** A client configuration for this cluster (what a user's mapred-site.xml would hold). */
  Configuration clientConf() {
    Configuration conf = new Configuration();
    conf.set("mapreduce.framework.name", CorralMr.FRAMEWORK_NAME);
    conf.set(CorralMr.MASTER, master);
    conf.set("fs.defaultFS", defaultFs());
    return conf;
  }

  /** The unmodified hadoop-mapreduce-examples jar, from the test classpath. */
  static String examplesJar() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.contains("hadoop-mapreduce-examples")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no hadoop-mapreduce-examples jar on the classpath"));
  }

  /** The test job jar ({@code src/test/jobs}), built on first use. */
  synchronized String testJobsJar() throws IOException {
    if (testJobsJar == null) {
      testJobsJar = TestJobJar.build(Path.of("src/test/jobs"), dir.resolve("corral-test-jobs.jar"));
    }
    return testJobsJar.toString();
  }

  /** Runs {@code RunJar <examples jar> <program> -D... <args>} in a new JVM; returns its exit code. */
  int runExample(String program, List<String> options, List<String> args, Path log) throws Exception {
    return await(start(examplesJar(), program, options, args, log), log);
  }

  /** Runs a program of the test job jar to its end; returns its exit code. */
  int runTestJob(String program, List<String> options, List<String> args, Path log) throws Exception {
    return await(start(testJobsJar(), program, options, args, log), log);
  }

  /** Starts {@code RunJar <jar> <program> -D... <args>} in a new JVM, as {@code hadoop jar} would. */
  Process start(String jar, String program, List<String> options, List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "org.apache.hadoop.util.RunJar", jar, program,
        "-Dmapreduce.framework.name=corral", "-Dcorral.master=" + master,
        "-Dfs.defaultFS=" + defaultFs()));
    cmd.addAll(SMALL);
    cmd.addAll(options);
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static int await(Process p, Path log) throws InterruptedException {
    return Processes.await(p, 8, "the job client", log);
  }

  /** The job id a client printed ("Running job: ..." or "submitted ..."), or null if not yet. */
  static String jobId(Path log) throws IOException {
    Matcher m = JOB_ID.matcher(Files.exists(log) ? Files.readString(log) : "");
    return m.find() ? m.group(1) : null;
  }

  /** The Corral framework id of a job (the client records it at submission), or null if not yet. */
  String frameworkId(String jobId) throws IOException {
    org.apache.hadoop.fs.Path file = CorralMr.frameworkFile(clientConf(), System.getProperty("user.name"),
        JobID.forName(jobId));
    FileSystem fs = fs();
    if (!fs.exists(file)) {
      return null;
    }
    try (InputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")[0];
    }
  }

  /** The master's live and completed tasks of a framework. */
  List<Task> tasks(String frameworkId) {
    return corral.query(v -> v.tasks(frameworkId));
  }

  /** Names of the frameworks the master has that are not among {@code before} (ids). */
  Set<String> frameworkNamesSince(Set<String> before) {
    return corral.query(v -> v.frameworks().stream().filter(f -> !before.contains(f.id())).map(f -> f.name())
        .collect(Collectors.toSet()));
  }

  /** Ids of the frameworks the master has (registered and not removed). */
  Set<String> frameworks() {
    return corral.query(v -> v.frameworks().stream().map(f -> f.id()).collect(Collectors.toSet()));
  }

  /** Processes of a framework: whatever runs in (or names) one of its sandboxes on any agent. */
  static List<ProcessHandle> processesOf(String frameworkId) {
    String marker = File.separator + "frameworks" + File.separator + frameworkId + File.separator;
    return ProcessHandle.allProcesses().filter(p -> Processes.commandLine(p).contains(marker) || Processes.cwd(p).contains(marker))
        .toList();
  }

  static String commandLine(ProcessHandle p) {
    return Processes.commandLine(p);
  }

  @Override
  public void close() {
    try {
      corral.close();
    } finally {
      hdfs.shutdown();
    }
  }

  static HadoopJobs startUnchecked(String name, int agents) {
    try {
      return start(name, agents);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
