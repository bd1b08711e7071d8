package io.corral.storm;

import io.corral.bridges.testkit.CorralCommands;
import io.corral.bridges.testkit.SecuredCorral;
import io.corral.bridges.testkit.SourceJar;
import io.corral.local.LocalCluster;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.curator.test.TestingServer;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.storm.generated.ClusterSummary;
import org.apache.storm.generated.ExecutorSummary;
import org.apache.storm.generated.Nimbus;
import org.apache.storm.generated.TopologyInfo;
import org.apache.storm.generated.TopologySummary;
import org.apache.storm.utils.NimbusClient;
import org.apache.storm.utils.Utils;

/**
 * A Storm cluster on Corral for tests, all real processes: ZooKeeper (Curator's TestingServer),
 * a Corral master with agent processes, and the Corral-backed Nimbus started by
 * {@code corral storm nimbus} in a JVM of its own, with Storm's home built from Maven artifacts
 * ({@code runtime/}). Supervisors and workers are started by the bridge. Topologies are submitted
 * as {@code storm jar} does it, and Nimbus is queried as Storm's CLI does (NimbusClient).
 */
final class StormCluster implements AutoCloseable {
  static final Path STORM_HOME = Path.of(System.getProperty("corral.storm.home", "runtime/target/storm-home"))
      .toAbsolutePath();
  static final Path SHADED_JAR = Path.of(System.getProperty("corral.storm.shaded.jar", "")).toAbsolutePath();
  static final String NIMBUS_HOST = "127.0.0.1";

  final Path dir;
  final TestingServer zk;
  /** The HDFS agents fetch the Supervisor bundle and the bridge jar from, or null (both by path). */
  final MiniDFSCluster hdfs;
  final LocalCluster corral;
  final int nimbusPort;
  private final List<String> nimbusArgs;
  private final List<Process> started = new CopyOnWriteArrayList<>();
  private Process nimbus;
  private Path topologyJar;
  private int nimbusStarts;
  /** Every task the master showed, by framework, latest state (the master forgets removed frameworks). */
  private final Map<String, Map<String, Task>> seen = new ConcurrentHashMap<>();
  private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "task-watch");
    t.setDaemon(true);
    return t;
  });

  private StormCluster(Path dir, TestingServer zk, MiniDFSCluster hdfs, LocalCluster corral, int nimbusPort,
      List<String> nimbusArgs) {
    this.dir = dir;
    this.zk = zk;
    this.hdfs = hdfs;
    this.corral = corral;
    this.nimbusPort = nimbusPort;
    this.nimbusArgs = nimbusArgs;
    watch.scheduleWithFixedDelay(this::record, 0, 200, TimeUnit.MILLISECONDS);
  }

  /**
   * ZooKeeper, a Corral master and {@code agents} agent processes (each an equal share of this
   * machine, with its own range of ports), and a Corral-backed Nimbus started with
   * {@code extraNimbusArgs}. With {@code fromHdfs}, a MiniDFSCluster too, where the Storm home is
   * pushed ({@code corral bundle push}) with the bridge jar: agents fetch both from there.
   */
  static StormCluster start(String name, int agents, boolean fromHdfs, List<String> extraNimbusArgs)
      throws Exception {
    return start(name, agents, fromHdfs, extraNimbusArgs, null);
  }

  /** Like {@link #start(String, int, boolean, List)}, with a master and agents secured by {@code security}. */
  static StormCluster start(String name, int agents, boolean fromHdfs, List<String> extraNimbusArgs,
      SecuredCorral security) throws Exception {
    return start(name, agents, fromHdfs, extraNimbusArgs, security, m -> { }, null);
  }

  /**
   * Like {@link #start(String, int, boolean, List)}, with the master's settings changed by
   * {@code master} (after the cluster's own) and agent {@code i} offering {@code agentResources(i)}.
   */
  static StormCluster start(String name, int agents, List<String> extraNimbusArgs,
      java.util.function.Consumer<io.corral.master.MasterConfig.Builder> master,
      java.util.function.IntFunction<io.corral.common.resources.Resources> agentResources) throws Exception {
    return start(name, agents, false, extraNimbusArgs, null, master, agentResources);
  }

  private static StormCluster start(String name, int agents, boolean fromHdfs, List<String> extraNimbusArgs,
      SecuredCorral security, java.util.function.Consumer<io.corral.master.MasterConfig.Builder> master,
      java.util.function.IntFunction<io.corral.common.resources.Resources> agentResources) throws Exception {
    Path dir = io.corral.bridges.testkit.TestDirs.fresh(name);
    TestingServer zk = new TestingServer(true);
    LocalCluster corral = null;
    MiniDFSCluster hdfs = null;
    try {
      List<String> args = new ArrayList<>();
      if (fromHdfs) {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        conf.setInt("dfs.replication", 1);
        conf.setInt("dfs.namenode.handler.count", 4);
        hdfs = new MiniDFSCluster.Builder(conf, dir.resolve("dfs").toFile()).numDataNodes(1).build();
        String base = hdfs.getURI() + "/corral/bundles/";
        push(STORM_HOME, base + "storm-2.8.3.tar.gz");
        push(SHADED_JAR, base + "corral-storm.jar");
        args.addAll(List.of("--storm-uri", base + "storm-2.8.3.tar.gz", "--bridge-uri", base + "corral-storm.jar"));
      }
      LocalCluster.Builder cluster = LocalCluster.builder(dir.resolve("corral")).agents(agents)
          .mode(LocalCluster.Mode.PROCESSES).agentArgs(agentArgs(security))
          .masterConfig(m -> {
            m.allocationInterval(Duration.ofMillis(200)).agentPingTimeout(Duration.ofSeconds(1))
                .maxAgentPingTimeouts(8);
            if (security != null) {
              security.master(m);
            }
            master.accept(m);
          });
      if (agentResources != null) {
        cluster.agentResources(agentResources);
      }
      corral = cluster.start();
      args.addAll(List.of("--master", corral.masterAddress().toString(),
          "--zk", NIMBUS_HOST + ":" + zk.getPort() + "/storm", "--host", NIMBUS_HOST,
          "--storm-home", STORM_HOME.toString(), "--bridge-jar", SHADED_JAR.toString(),
          "--work-dir", dir.resolve("nimbus").toString(), "--heap", "384m",
          "-c", "supervisor.childopts=\"-Xmx160m -XX:+UseSerialGC\"",
          "-c", "topology.worker.logwriter.childopts=\"-Xmx32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1\"",
          "-c", "storm.corral.supervisor.mem.mb=256"));
      args.addAll(extraNimbusArgs);
      StormCluster c = new StormCluster(dir, zk, hdfs, corral, freePort(), args);
      c.startNimbus();
      return c;
    } catch (Exception | Error e) {
      if (corral != null) {
        corral.close();
      }
      if (hdfs != null) {
        hdfs.shutdown();
      }
      zk.close();
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

  /** What {@code corral bundle push <source> <uri>} does: a directory is packed as a .tar.gz. */
  private static void push(Path source, String uri) throws IOException, InterruptedException {
    io.corral.fetcher.BundlePush.push(source, uri, io.corral.fetcher.HdfsSupport.ofThisInstallation(),
        Duration.ofMinutes(5));
  }

  /** Starts {@code corral storm nimbus} and waits for its {@code nimbus: <host>:<port>} line. */
  void startNimbus() throws Exception {
    startNimbus(List.of());
  }

  /** Starts the Nimbus with the cluster's arguments, then {@code extraArgs} (a later {@code -c} wins). */
  void startNimbus(List<String> extraArgs) throws Exception {
    Path log = dir.resolve("nimbus-" + (++nimbusStarts) + ".log");
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), CorralCommands.class.getName(), "storm", "nimbus",
        "--nimbus-port", Integer.toString(nimbusPort)));
    cmd.addAll(nimbusArgs);
    cmd.addAll(extraArgs);
    nimbus = start(cmd, log);
    String expected = "nimbus: " + NIMBUS_HOST + ":" + nimbusPort;
    await(Duration.ofMinutes(2), "'" + expected + "' in " + log, () -> {
      if (!nimbus.isAlive()) {
        throw new AssertionError("corral storm nimbus exited with " + nimbus.exitValue() + "; see " + log);
      }
      return read(log).lines().anyMatch(l -> l.equals(expected));
    });
  }

  /**
   * Starts a second Nimbus with the cluster's arguments, then {@code extraArgs}, on a port, a
   * ZooKeeper root and a work dir of its own named after {@code name}; does not wait for it.
   */
  Process startOtherNimbus(String name, List<String> extraArgs, Path log) throws IOException {
    List<String> args = new ArrayList<>(nimbusArgs);
    args.set(args.indexOf("--zk") + 1, NIMBUS_HOST + ":" + zk.getPort() + "/" + name);
    args.set(args.indexOf("--work-dir") + 1, dir.resolve(name).toString());
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), CorralCommands.class.getName(), "storm", "nimbus",
        "--nimbus-port", Integer.toString(freePort())));
    cmd.addAll(args);
    cmd.addAll(extraArgs);
    return start(cmd, log);
  }

  /** Stops the Nimbus (SIGTERM to {@code corral storm nimbus}, which stops its JVM) and waits for it. */
  void stopNimbus() throws InterruptedException {
    List<ProcessHandle> jvms = nimbus.descendants().toList();
    nimbus.destroy();
    if (!nimbus.waitFor(1, TimeUnit.MINUTES)) {
      throw new AssertionError("corral storm nimbus did not stop within a minute");
    }
    for (ProcessHandle h : jvms) {
      h.onExit().orTimeout(1, TimeUnit.MINUTES).join();
    }
  }

  Path nimbusLog() {
    return dir.resolve("nimbus-" + nimbusStarts + ".log");
  }

  /** The topology jar (src/test/apps), compiled against Storm's worker jars on first use. */
  synchronized Path topologyJar() throws IOException {
    if (topologyJar == null) {
      topologyJar = buildTopologyJar(dir);
    }
    return topologyJar;
  }

  /** Builds the topology jar (src/test/apps) in {@code dir}. */
  static Path buildTopologyJar(Path dir) throws IOException {
    String classpath;
    try (var jars = Files.list(STORM_HOME.resolve("lib-worker"))) {
      classpath = String.join(File.pathSeparator, jars.map(Path::toString).sorted().toList());
    }
    return SourceJar.build(Path.of("src/test/apps"), classpath, null, dir.resolve("corral-storm-test-topologies.jar"));
  }

  /**
   * Submits the word count as {@code storm jar} does: the topology's own main, with Storm's
   * {@code lib/} and the jar on its classpath, {@code storm.jar} naming the jar and the Nimbus in
   * {@code storm.options}; returns once StormSubmitter returned.
   */
  void submitWordCount(String name, int workers, String... settings) throws Exception {
    Process p = startSubmit(nimbusPort, topologyJar(), dir.resolve("submit-" + name + ".log"), name, workers, settings);
    started.add(p);
    awaitSubmitted(p, name, dir.resolve("submit-" + name + ".log"));
  }

  /** Starts the topology's main as {@code storm jar} does, against the Nimbus on {@code nimbusPort}. */
  static Process startSubmit(int nimbusPort, Path jar, Path log, String name, int workers, String... settings)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", STORM_HOME.resolve("lib") + File.separator + "*" + File.pathSeparator
            + STORM_HOME.resolve("conf") + File.pathSeparator + jar,
        "-Dstorm.jar=" + jar,
        "-Dlog4j.configurationFile=" + STORM_HOME.resolve("log4j2").resolve("cluster.xml"),
        "-Dstorm.options=nimbus.seeds=%5B%22" + NIMBUS_HOST + "%22%5D,nimbus.thrift.port=" + nimbusPort,
        "io.corral.storm.apps.WordCountTopology", name, Integer.toString(workers)));
    cmd.addAll(List.of(settings));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits for the submitter to end and checks it submitted the topology. */
  static void awaitSubmitted(Process p, String name, Path log) throws InterruptedException {
    int rc = io.corral.bridges.testkit.Processes.await(p, 3, "the topology's main", log);
    if (rc != 0 || !read(log).contains("SUBMITTED=" + name)) {
      throw new AssertionError("submitting " + name + " failed (" + rc + "); see " + log);
    }
  }

  /** Runs {@code call} with a Thrift client of the Nimbus, as Storm's CLI does. */
  <T> T nimbus(ThriftCall<T> call) throws Exception {
    return nimbus(nimbusPort, call);
  }

  static <T> T nimbus(int nimbusPort, ThriftCall<T> call) throws Exception {
    Map<String, Object> conf = new HashMap<>(Utils.readDefaultConfig());
    conf.put("nimbus.seeds", List.of(NIMBUS_HOST));
    conf.put("nimbus.thrift.port", nimbusPort);
    try (NimbusClient client = NimbusClient.Builder.withConf(conf).buildWithNimbusHostPort(NIMBUS_HOST, nimbusPort)) {
      return call.apply(client.getClient());
    }
  }

  interface ThriftCall<T> {
    T apply(Nimbus.Iface nimbus) throws Exception;
  }

  /** {@code storm list}: the topologies Nimbus has. */
  List<TopologySummary> topologies() throws Exception {
    return nimbus(n -> n.getClusterInfo().get_topologies());
  }

  ClusterSummary clusterSummary() throws Exception {
    return nimbus(Nimbus.Iface::getClusterInfo);
  }

  String topologyId(String name) throws Exception {
    return topologies().stream().filter(t -> t.get_name().equals(name)).map(TopologySummary::get_id).findFirst()
        .orElseThrow(() -> new AssertionError("no topology " + name));
  }

  /** Tuples the topology's spouts had acked, all time, as Nimbus's statistics say. */
  long acked(String name) throws Exception {
    String id = topologyId(name);
    TopologyInfo info = nimbus(n -> n.getTopologyInfo(id));
    return io.corral.storm.examples.WordCountTopology.acked(info);
  }

  /** The Corral framework the Nimbus registered (by its name), or null. */
  String frameworkId() {
    return corral.query(v -> v.frameworks().stream().filter(f -> f.name().equals("storm")).map(f -> f.id())
        .findFirst().orElse(null));
  }

  /** The framework's tasks now, as the master has them. */
  List<Task> tasks(String frameworkId) {
    return corral.query(v -> v.tasks(frameworkId));
  }

  List<Task> runningTasks(String frameworkId) {
    return tasks(frameworkId).stream().filter(t -> t.getState() == TaskState.TASK_RUNNING).toList();
  }

  /** Every task of the framework the master ever showed (latest state). */
  List<Task> tasksSeen(String frameworkId) {
    record();
    return List.copyOf(seen.getOrDefault(frameworkId, Map.of()).values());
  }

  private void record() {
    try {
      Map<String, List<Task>> now = corral.query(v -> {
        Map<String, List<Task>> m = new HashMap<>();
        v.frameworks().forEach(f -> m.put(f.id(), v.tasks(f.id())));
        return m;
      });
      now.forEach((fw, tasks) -> tasks.forEach(
          t -> seen.computeIfAbsent(fw, k -> new ConcurrentHashMap<>()).put(t.getTaskId(), t)));
    } catch (RuntimeException e) {
      // the cluster is closing
    }
  }

  /** Worker JVMs (not their LogWriters) of a topology on this machine. */
  static List<ProcessHandle> workers(String topologyId) {
    return ProcessHandle.allProcesses().filter(p -> {
      String cmd = io.corral.bridges.testkit.Processes.commandLine(p);
      return cmd.contains(" org.apache.storm.daemon.worker.Worker " + topologyId + " ")
          && !cmd.contains("org.apache.storm.LogWriter");
    }).toList();
  }

  /** Polls {@code condition} until it holds, failing after {@code timeout} with {@code what}. */
  static void await(Duration timeout, String what, Supplier<Boolean> condition) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    AssertionError last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.get()) {
          System.out.printf("%s %s: after %d ms%n", java.time.LocalTime.now(), what, (System.nanoTime() - start) / 1_000_000);
          return;
        }
      } catch (AssertionError e) {
        throw e;
      } catch (RuntimeException e) {
        last = new AssertionError(e.toString(), e);
      }
      Thread.sleep(250);
    }
    throw last != null ? new AssertionError("timed out waiting for " + what + "; last: " + last.getMessage(), last)
        : new AssertionError("timed out after " + timeout + " waiting for " + what);
  }

  static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private Process start(List<String> cmd, Path log) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    started.add(p);
    return p;
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    watch.shutdownNow();
    io.corral.bridges.testkit.Processes.killAll(started);
    corral.close(); // the agents end their executors: Supervisors and their workers
    if (hdfs != null) {
      hdfs.shutdown();
    }
    try {
      zk.close();
    } catch (IOException e) {
      // best effort
    }
  }
}
