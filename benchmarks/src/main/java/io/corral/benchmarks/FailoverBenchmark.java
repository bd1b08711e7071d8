package io.corral.benchmarks;

import io.corral.common.detect.ZkUrl;
import io.corral.protocol.FrameworkInfo;
import io.corral.scheduler.CorralSchedulerDriver;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Master failover: how long from the leader's death until every agent is re-registered with the
 * new leader and every task reconciled. See docs/benchmarks.md, "Master failover".
 *
 * <p>One run: a ZooKeeper in this JVM ({@code TestingServer}); two masters, each a child JVM
 * ({@link FailoverMaster}), the first the leader; N simulated agents in this JVM
 * ({@link FailoverAgents}, one ZooKeeper client for all of them); one framework on the real
 * scheduler library ({@link FailoverFramework}) that fills every agent with T running tasks.
 * Then the leader's process is killed (SIGKILL: its session must expire; or SIGTERM: it closes
 * its session on the way out) and the phases are timed from this JVM's wall clock and the new
 * master's reports (the same machine's clock).
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/corral-benchmarks.jar:benchmarks/target/lib/*" \
 *     io.corral.benchmarks.FailoverBenchmark --agents 1000,10000 --tasks-per-agent 10
 * </pre>
 */
@Command(name = "failover-benchmark", mixinStandardHelpOptions = true,
    description = "Master failover time with simulated agents and running tasks.")
public final class FailoverBenchmark implements Callable<Integer> {
  /** gRPC warns once per stream to a dead master; held so the level setting stays. */
  private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

  @Option(names = "--agents", split = ",", defaultValue = "1000,10000",
      description = "Simulated agents, one run per value (default: ${DEFAULT-VALUE}).")
  List<Integer> agentCounts;

  @Option(names = "--tasks-per-agent", defaultValue = "10", description = "Running tasks per agent (default: 10).")
  int tasksPerAgent;

  @Option(names = "--kill", split = ",", defaultValue = "sigkill,sigterm",
      description = "How the leader dies, one run per value: sigkill (its ZooKeeper session expires) or sigterm "
          + "(it closes its session) (default: ${DEFAULT-VALUE}).")
  List<String> kills;

  @Option(names = "--zk-session-timeout", defaultValue = "3000",
      description = "The masters' ZooKeeper session timeout, ms (default: ${DEFAULT-VALUE}).")
  int sessionTimeoutMillis;

  @Option(names = "--zk-tick", defaultValue = "500",
      description = "ZooKeeper tick, ms; sessions may not be shorter than two ticks (default: ${DEFAULT-VALUE}).")
  int tickMillis;

  @Option(names = "--agents-per-connection", defaultValue = "1250",
      description = "Simulated agent streams multiplexed on one HTTP/2 connection (default: ${DEFAULT-VALUE}).")
  int agentsPerChannel;

  @Option(names = "--master-heap", defaultValue = "2g", description = "-Xmx of each master (default: ${DEFAULT-VALUE}).")
  String masterHeap;

  @Option(names = "--master-java-options", defaultValue = "",
      description = "More JVM options for the masters, space-separated (e.g. a flight recording).")
  String masterJavaOptions;

  @Option(names = "--settle", defaultValue = "3",
      description = "Seconds between all tasks running and the kill (default: ${DEFAULT-VALUE}).")
  int settleSeconds;

  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    GRPC_LOG.setLevel(java.util.logging.Level.OFF);
    int code = new CommandLine(new FailoverBenchmark()).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    System.out.println("# Corral master failover benchmark");
    System.out.println("# " + Machine.describe());
    List<Result> results = new ArrayList<>();
    for (int agents : agentCounts) {
      for (String kill : kills) {
        Kill how = Kill.valueOf(kill.trim().toUpperCase());
        results.add(run(agents, how));
      }
    }
    System.out.printf("%n## Summary (ZooKeeper session timeout %d ms, tick %d ms; times in ms)%n%n",
        sessionTimeoutMillis, tickMillis);
    Result.table(results).forEach(System.out::println);
    return 0;
  }

  enum Kill { SIGKILL, SIGTERM }

  private Result run(int agentCount, Kill kill) throws Exception {
    System.out.printf("%n## %,d agents x %d tasks, leader ended by %s%n", agentCount, tasksPerAgent, kill);
    Path logs = Files.createTempDirectory("corral-failover-");
    System.out.println("master logs in " + logs);
    InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, tickMillis, -1);
    try (TestingServer zk = new TestingServer(spec, true)) {
      String zkUrl = "zk://" + zk.getConnectString() + "/corral-bench";
      ZkUrl url = ZkUrl.parse(zkUrl);
      ChildJvm first = startMaster("master-a", zkUrl, logs);
      ChildJvm second = null;
      FailoverAgents agents = null;
      CorralSchedulerDriver driver = null;
      try (CuratorFramework watcher = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
        watcher.start();
        expectRole(first, "leader");
        second = startMaster("master-b", zkUrl, logs);
        expectRole(second, "standby");

        long t0 = System.nanoTime();
        agents = new FailoverAgents(zkUrl, agentCount, agentsPerChannel, SimulatedAgentsProcess.AGENT_RESOURCES);
        FailoverAgents.Epoch before = agents.start(Duration.ofSeconds(30));
        await(before.allRegistered, "agents registered", Duration.ofMinutes(3));
        System.out.printf("%,d agents registered in %.1f s%n", agentCount, (System.nanoTime() - t0) / 1e9);

        t0 = System.nanoTime();
        FailoverFramework framework = new FailoverFramework(agentCount, tasksPerAgent,
            SimulatedAgentsProcess.AGENT_RESOURCES);
        driver = new CorralSchedulerDriver(framework, FrameworkInfo.newBuilder().setName("failover-bench")
            .setUser("bench").setFailoverTimeout(3600).build(), zkUrl);
        driver.start();
        await(framework.registered, "framework registered", Duration.ofMinutes(1));
        await(framework.allRunning, "tasks running", Duration.ofMinutes(5));
        System.out.printf("%,d tasks RUNNING in %.1f s (the agents hold %,d)%n", agentCount * tasksPerAgent,
            (System.nanoTime() - t0) / 1e9, agents.runningTasks());
        Thread.sleep(settleSeconds * 1000L);

        // The leader's latch node: the one with the lowest sequence number.
        String leaderNode = watcher.getChildren().forPath(url.leaderLatchPath()).stream()
            .min(Comparator.comparing(n -> n.substring(n.lastIndexOf('-') + 1))).orElseThrow();
        AtomicLong nodeGoneMillis = new AtomicLong();
        CountDownLatch nodeGone = new CountDownLatch(1);
        watcher.checkExists().usingWatcher((Watcher) e -> {
          if (e.getType() == Watcher.Event.EventType.NodeDeleted) {
            nodeGoneMillis.set(System.currentTimeMillis());
            nodeGone.countDown();
          }
        }).forPath(url.leaderLatchPath() + "/" + leaderNode);

        long cpuBefore = processCpuNanos();
        long masterCpuBefore = second.cpuNanos();
        long killMillis = System.currentTimeMillis();
        if (kill == Kill.SIGKILL) {
          first.kill();
        } else {
          first.terminate();
        }
        System.out.printf("killed the leader (%s) at %d; exit status %d%n", kill, killMillis,
            first.waitFor(Duration.ofSeconds(10)));

        await(nodeGone, "old leader's latch node deleted", Duration.ofSeconds(60));
        long recovering = phaseMillis(second, "RECOVERING");
        long active = phaseMillis(second, "ACTIVE");
        FailoverAgents.Epoch after = agents.epoch();
        await(after.allRegistered, "agents re-registered", Duration.ofMinutes(5));
        await(framework.allReconciled, "tasks reconciled", Duration.ofMinutes(5));
        long cpu = processCpuNanos() - cpuBefore;
        long masterCpu = second.cpuNanos() - masterCpuBefore;
        second.send("heap");
        String[] heap = second.await("HEAP", Duration.ofMinutes(1)).split(" ");

        Result r = new Result(agentCount, tasksPerAgent, kill, killMillis, nodeGoneMillis.get(), after.seenMillis, after.sentMillis,
            recovering, after.firstRegisteredMillis, after.lastRegisteredMillis, active,
            framework.reregisteredMillis, framework.allReconciledMillis, Long.parseLong(heap[1]), masterCpu, cpu,
            agents.refusals(), agents.streamErrors(), framework.unexpectedUpdates());
        r.details().forEach(System.out::println);
        return r;
      } finally {
        if (driver != null) {
          driver.abort();
        }
        if (agents != null) {
          agents.close();
        }
        if (second != null) {
          second.close();
        }
        first.close();
      }
    }
  }

  private ChildJvm startMaster(String name, String zkUrl, Path logs) throws Exception {
    List<String> options = new ArrayList<>(List.of("-Xmx" + masterHeap, "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"));
    for (String o : masterJavaOptions.trim().split("\\s+")) {
      if (!o.isEmpty()) {
        options.add(o.replace("{name}", name));
      }
    }
    return ChildJvm.start(name, options, System.getProperty("java.class.path"), FailoverMaster.class,
        List.of(zkUrl, Integer.toString(sessionTimeoutMillis)), logs.resolve(name + ".log"));
  }

  private static void expectRole(ChildJvm master, String role) throws InterruptedException {
    String line = master.await("MASTER", Duration.ofMinutes(1));
    if (!line.endsWith(role)) {
      throw new IllegalStateException("expected a " + role + ": " + line);
    }
  }

  private static long phaseMillis(ChildJvm master, String phase) throws InterruptedException {
    return Long.parseLong(master.await("PHASE " + phase, Duration.ofMinutes(5)).split(" ")[2]);
  }

  private static void await(CountDownLatch latch, String what, Duration timeout) throws InterruptedException {
    if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(what + ": not within " + timeout + " (" + latch.getCount() + " missing)");
    }
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /** The timeline of one failover (epoch millis) and what it cost. */
  record Result(int agents, int tasksPerAgent, Kill kill, long killed, long nodeGone, long clientsSawLeader, long sentRegister,
      long serving, long firstAgent, long allAgents, long active, long frameworkBack, long allReconciled,
      long heapBytes, long masterCpuNanos, long benchCpuNanos, long refusals, long streamErrors,
      long unexpectedUpdates) {

    List<String> details() {
      return List.of(
          String.format("kill -> old leader's latch node deleted (session %s): %d ms",
              kill == Kill.SIGKILL ? "expiry" : "closed", nodeGone - killed),
          String.format("node deleted -> agents' detector reports the new leader: %d ms", clientsSawLeader - nodeGone),
          String.format("agents' detector reports the new leader -> every agent sent REGISTER: %d ms",
              sentRegister - clientsSawLeader),
          String.format("node deleted -> new leader serving and registry read (RECOVERING): %d ms", serving - nodeGone),
          String.format("RECOVERING -> first agent re-registered: %d ms", firstAgent - serving),
          String.format("RECOVERING -> all %,d agents re-registered (agents' view): %d ms", agents, allAgents - serving),
          String.format("RECOVERING -> ACTIVE (master's view: every agent of the registry back): %d ms",
              active - serving),
          String.format("RECOVERING -> framework re-subscribed: %d ms", frameworkBack - serving),
          String.format("RECOVERING -> all %,d tasks reconciled RUNNING: %d ms", agents * tasksPerAgent,
              allReconciled - serving),
          String.format("agent streams refused as 'not the leader': %d of %d failed; unexpected task updates: %d",
              refusals, streamErrors, unexpectedUpdates),
          String.format("new master: heap after full GC %.1f MiB; CPU from kill to reconciled %.2f s",
              heapBytes / 1048576.0, masterCpuNanos / 1e9),
          String.format("benchmark JVM (ZooKeeper, agents, framework) CPU from kill to reconciled: %.2f s",
              benchCpuNanos / 1e9));
    }

    static List<String> table(List<Result> results) {
      List<String> out = new ArrayList<>();
      out.add("| agents | tasks | kill | kill → node gone | node gone → serving | → all agents re-registered "
          + "| → all tasks reconciled | node gone → reconciled | kill → reconciled | master heap MiB "
          + "| master CPU s | bench JVM CPU s |");
      out.add("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (Result r : results) {
        out.add(String.format("| %,d | %,d | %s | %d | %d | %d | %d | %d | %d | %.1f | %.2f | %.2f |", r.agents,
            r.agents * r.tasksPerAgent, r.kill.name(), r.nodeGone - r.killed, r.serving - r.nodeGone,
            r.allAgents - r.serving, r.allReconciled - r.serving, r.allReconciled - r.nodeGone,
            r.allReconciled - r.killed, r.heapBytes / 1048576.0, r.masterCpuNanos / 1e9, r.benchCpuNanos / 1e9));
      }
      return out;
    }
  }
}
