package io.corral.spark;

import io.corral.bridges.testkit.Processes;
import io.corral.bridges.testkit.SecuredCorral;
import io.corral.bridges.testkit.SourceJar;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.Task;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the bridge's end-to-end tests share: a Corral cluster with agent processes, and Spark
 * drivers started as their own JVMs the way {@code spark-submit} runs one in client mode
 * ({@code org.apache.spark.deploy.SparkSubmit}), on a real Spark 4.0.2 installation
 * ({@code runtime/target/spark-home}: Spark's jars with Spark's own dependency versions) plus
 * the shaded bridge jar given with {@code --jars}. Executors run from the same installation
 * ({@code spark.corral.executor.home}) unless a test says otherwise.
 */
final class SparkApps implements AutoCloseable {
  static final Path SPARK_HOME = Path.of(System.getProperty("corral.spark.home", "runtime/target/spark-home"))
      .toAbsolutePath();
  static final Path SHADED_JAR = Path.of(System.getProperty("corral.spark.shaded.jar", "")).toAbsolutePath();
  /** The same Spark's jars where Maven keeps them (a classpath, one line). */
  static final Path MAVEN_CLASSPATH = Path.of(System.getProperty("corral.spark.maven.classpath",
      "runtime/target/spark-maven-classpath.txt")).toAbsolutePath();
  /** Executors of 512 MiB (plus Spark's 384 MiB overhead: 896 MiB tasks). */
  private static final List<String> SMALL_EXECUTORS = List.of(
      "--conf", "spark.executor.memory=512m",
      "--conf", "spark.executor.extraJavaOptions=-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
      "--conf", "spark.driver.host=127.0.0.1",
      "--conf", "spark.ui.enabled=false");
  /** {@link #SMALL_EXECUTORS} running from the Spark installation. */
  static final List<String> SMALL = concat(SMALL_EXECUTORS,
      List.of("--conf", "spark.corral.executor.home=" + SPARK_HOME));
  private static final Pattern FRAMEWORK = Pattern.compile("registered with Corral as framework (\\S+)");

  final Path dir;
  final LocalCluster corral;
  private Path appJar;
  /** Every driver started here: killed on close, whatever a test left running when it failed. */
  private final List<Process> started = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Every task the master showed, by framework, latest state: the master forgets a removed framework's tasks. */
  private final Map<String, Map<String, Task>> seen = new ConcurrentHashMap<>();
  /** Every framework's role as the master showed it. */
  private final Map<String, String> roles = new ConcurrentHashMap<>();
  private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "task-watch");
    t.setDaemon(true);
    return t;
  });

  private SparkApps(Path dir, LocalCluster corral) {
    this.dir = dir;
    this.corral = corral;
    watch.scheduleWithFixedDelay(this::record, 0, 100, TimeUnit.MILLISECONDS);
  }

  private void record() {
    try {
      Map<String, List<Task>> now = corral.query(v -> {
        Map<String, List<Task>> m = new HashMap<>();
        v.frameworks().forEach(f -> {
          m.put(f.id(), v.tasks(f.id()));
          roles.put(f.id(), f.role());
        });
        // a framework removed between two samples: its last tasks as the master kept them
        v.completedFrameworks().forEach(c -> m.putIfAbsent(c.id(), c.tasks()));
        return m;
      });
      now.forEach((fw, tasks) -> tasks.forEach(
          t -> seen.computeIfAbsent(fw, k -> new ConcurrentHashMap<>()).put(t.getTaskId(), t)));
    } catch (RuntimeException e) {
      // the cluster is closing
    }
  }

  /** The role of a framework as the master showed it, or null if never seen. */
  String roleSeen(String frameworkId) {
    record();
    return roles.get(frameworkId);
  }

  /** The tasks of a framework as last seen (it may be gone from the master since). */
  List<Task> tasksSeen(String frameworkId) {
    record();
    return List.copyOf(seen.getOrDefault(frameworkId, Map.of()).values());
  }

  /** A cluster of {@code agents} agent processes with 2 cpus and 2 GiB each (two executors). */
  static SparkApps start(String name, int agents) throws IOException {
    return startFor(Path.of(System.getProperty("corral.test.tmp", "target/it-tmp")).toAbsolutePath().resolve(name),
        agents, Resources.parse("cpus:2;mem:2048;disk:10000"));
  }

  /** A cluster in {@code dir} (emptied first) of {@code agents} agent processes with {@code resources} each. */
  static SparkApps startFor(Path dir, int agents, Resources resources) throws IOException {
    return startFor(dir, agents, resources, null);
  }

  /** Like {@link #startFor(Path, int, Resources)}, with a master and agents secured by {@code security} (or not: null). */
  static SparkApps startFor(Path dir, int agents, Resources resources, SecuredCorral security) throws IOException {
    return startFor(dir, agents, resources, security, m -> { });
  }

  /** Like {@link #startFor(Path, int, Resources, SecuredCorral)}, with more of the master's settings. */
  static SparkApps startFor(Path dir, int agents, Resources resources, SecuredCorral security,
      java.util.function.Consumer<io.corral.master.MasterConfig.Builder> master) throws IOException {
    io.corral.bridges.testkit.TestDirs.fresh(dir);
    LocalCluster corral = LocalCluster.builder(dir.resolve("corral")).agents(agents)
        .mode(LocalCluster.Mode.PROCESSES).agentResources(resources)
        .agentArgs(security == null ? List.of() : security.agentArgs())
        .masterConfig(m -> {
          m.allocationInterval(Duration.ofMillis(200)).agentPingTimeout(Duration.ofSeconds(1)).maxAgentPingTimeouts(8);
          if (security != null) {
            security.master(m);
          }
          master.accept(m);
        })
        .start();
    return new SparkApps(dir, corral);
  }

  String submitUrl() {
    return "spark+corral://" + corral.masterAddress();
  }

  /** The test applications ({@code src/test/apps}), compiled against the Spark installation on first use. */
  synchronized Path appJar() throws IOException {
    if (appJar == null) {
      appJar = buildAppJar(Path.of("src/test/apps"), dir.resolve("corral-spark-test-apps.jar"));
    }
    return appJar;
  }

  /** The unmodified tests jar of spark-core (SimpleApplicationTest and friends). */
  static Path sparkCoreTestsJar() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.contains("spark-core_") && p.endsWith("-tests.jar")).map(Path::of).findFirst()
        .orElseThrow(() -> new IllegalStateException("no spark-core tests jar on the classpath"));
  }

  /**
   * Starts {@code SparkSubmit --master <master> --deploy-mode client --jars <bridge> <options>
   * --class <main> <jar> <args>} in a new JVM with only Spark's jars on its classpath.
   */
  Process submit(String master, List<String> options, String main, Path jar, List<String> args, Path log)
      throws IOException {
    return submit(SPARK_HOME.resolve("jars") + File.separator + "*", concat(SMALL, options), main, jar, args, log,
        master);
  }

  /**
   * Like {@link #submit}, from Maven's classpath of Spark ({@link #MAVEN_CLASSPATH}: no Spark installation, as an
   * application that brings Spark as its own dependency), and without saying where the executors' Spark is.
   */
  Process submitFromMavenClasspath(String master, List<String> options, String main, Path jar, List<String> args,
      Path log) throws IOException {
    return submit(Files.readString(MAVEN_CLASSPATH).strip(), concat(SMALL_EXECUTORS, options), main, jar, args, log,
        master);
  }

  private Process submit(String classpath, List<String> options, String main, Path jar, List<String> args, Path log,
      String master) throws IOException {
    List<String> cmd = driverJvm(List.of(), classpath);
    cmd.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", master, "--deploy-mode", "client",
        "--jars", SHADED_JAR.toString()));
    cmd.addAll(options);
    cmd.addAll(List.of("--class", main, jar.toString()));
    cmd.addAll(args);
    return start(cmd, log);
  }

  /** Runs a main class of the test applications directly (it sets its master itself). */
  Process runDirect(String main, List<String> jvmOptions, List<String> args, Path log) throws IOException {
    List<String> cmd = driverJvm(jvmOptions, SPARK_HOME.resolve("jars") + File.separator + "*" + File.pathSeparator
        + appJar() + File.pathSeparator + SHADED_JAR);
    cmd.add(main);
    cmd.addAll(args);
    return start(cmd, log);
  }

  /** A small driver JVM with Spark's module options, {@code jvmOptions} and {@code classpath}, up to its main class. */
  private static List<String> driverJvm(List<String> jvmOptions, String classpath) {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(moduleOptions());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", classpath));
    return cmd;
  }

  private Process start(List<String> cmd, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("SPARK_HOME");
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The JVM options Spark's launcher gives every Spark JVM on Java 17 (from spark-launcher itself). */
  static synchronized List<String> moduleOptions() {
    try (var jars = Files.list(SPARK_HOME.resolve("jars"))) {
      Path launcher = jars.filter(p -> p.getFileName().toString().startsWith("spark-launcher_")).findFirst()
          .orElseThrow();
      try (URLClassLoader cl = new URLClassLoader(new URL[] {launcher.toUri().toURL()}, null)) {
        Method m = cl.loadClass("org.apache.spark.launcher.JavaModuleOptions").getMethod("defaultModuleOptionArray");
        return List.of((String[]) m.invoke(null));
      }
    } catch (ReflectiveOperationException | IOException e) {
      throw new IllegalStateException("cannot read Spark's Java module options", e);
    }
  }

  /** Waits for a driver JVM to end (8 minutes at most); returns its exit code. */
  static int await(Process p, Path log) throws InterruptedException {
    return Processes.await(p, 8, "the Spark driver", log);
  }

  /** Waits for a driver JVM to end within {@code limit}, else kills it and fails; returns its exit code. */
  static int awaitWithin(Process p, Duration limit, Path log) throws InterruptedException {
    if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      Processes.killAll(List.of(p));
      throw new AssertionError("the Spark driver did not end within " + limit + "; see " + log);
    }
    return p.exitValue();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** The Corral framework id of the application the driver logged, or null if not yet. */
  static String frameworkId(Path log) throws IOException {
    Matcher m = FRAMEWORK.matcher(Files.exists(log) ? Files.readString(log) : "");
    return m.find() ? m.group(1) : null;
  }

  /** The master's live and completed tasks of a framework. */
  List<Task> tasks(String frameworkId) {
    return corral.query(v -> v.tasks(frameworkId));
  }

  /** Whether the master still has the framework. */
  boolean hasFramework(String frameworkId) {
    return corral.query(v -> v.frameworks().stream().anyMatch(f -> f.id().equals(frameworkId)));
  }

  /** Executor JVMs of a framework running on any agent. */
  static List<ProcessHandle> executorProcesses(String frameworkId) {
    String marker = File.separator + "frameworks" + File.separator + frameworkId + File.separator;
    return ProcessHandle.allProcesses().filter(p -> {
      String cmd = commandLine(p);
      return cmd.contains(ExecutorCommand.MAIN) && (cmd.contains("--app-id " + frameworkId) || cwd(p).contains(marker));
    }).toList();
  }

  static String commandLine(ProcessHandle p) {
    return Processes.commandLine(p);
  }

  static String cwd(ProcessHandle p) {
    return Processes.cwd(p);
  }

  private static Path buildAppJar(Path sources, Path jar) throws IOException {
    String cp;
    try (var jars = Files.list(SPARK_HOME.resolve("jars"))) {
      cp = jars.map(Path::toString).collect(java.util.stream.Collectors.joining(File.pathSeparator));
    }
    return SourceJar.build(sources, cp, null, jar);
  }

  @Override
  public void close() {
    watch.shutdownNow();
    io.corral.bridges.testkit.Processes.killAll(started);
    corral.close();
  }
}
