package io.corral.benchmarks;

import io.corral.command.DurationConverter;
import io.corral.common.resources.Resources;
import io.corral.protocol.HealthCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What health checks cost the agents' side: on a real local cluster ({@link LocalProcessCluster}:
 * the master in this JVM, agent processes, the command executor and the tasks as processes), a
 * framework launches {@code --tasks} tiny HTTP servers ({@link HealthCheckFramework#SERVER}), each
 * with an HTTP (or TCP) health check every {@code --interval}; once all are healthy and a warm-up has
 * passed, the CPU time of the command executor (which runs the checks), the agents and the servers
 * is read from {@code /proc} before and after a {@code --window}. The same tasks without health
 * checks are measured in the same way, alternating (on, off, on, off, ...), so that the difference
 * is what the checks cost. See docs/benchmarks.md, "Health checks: the executor's cost".
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/corral-benchmarks.jar:benchmarks/target/lib/*" \
 *     io.corral.benchmarks.HealthCheckBenchmark [--tasks=200] [--window=60s] [--runs=2]
 * </pre>
 */
@Command(name = "health-check-benchmark", mixinStandardHelpOptions = true,
    description = "CPU cost of the command executor's health checks of HTTP-serving tasks.")
public final class HealthCheckBenchmark implements Callable<Integer> {
  /** The goal: health checks take less than this many cores per 100 checked tasks. */
  static final double GOAL_CORES_PER_100 = 0.10;
  private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

  /** How the tasks are checked. */
  enum Protocol { HTTP, TCP }

  @Option(names = "--tasks", defaultValue = "200", description = "Tasks, each an HTTP server (default: ${DEFAULT-VALUE}).")
  int tasks;

  @Option(names = "--interval", defaultValue = "1s", converter = DurationConverter.class,
      description = "Health check interval (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(names = "--timeout", defaultValue = "1s", converter = DurationConverter.class,
      description = "Health check timeout (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--grace", defaultValue = "30s", converter = DurationConverter.class,
      description = "Health check grace period (default: ${DEFAULT-VALUE}; 200 servers starting at once on 2 busy"
          + " cores may need more than 5 s).")
  Duration grace;

  @Option(names = "--protocol", defaultValue = "http", description = "http or tcp (default: ${DEFAULT-VALUE}).")
  Protocol protocol;

  @Option(names = "--warmup", defaultValue = "10s", converter = DurationConverter.class,
      description = "From all tasks healthy (or running) to the window (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--window", defaultValue = "60s", converter = DurationConverter.class,
      description = "Time measured per run (default: ${DEFAULT-VALUE}).")
  Duration window;

  @Option(names = "--runs", defaultValue = "2",
      description = "Pairs of runs, each with health checks then without (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--agents", defaultValue = "1", description = "Agent processes (default: ${DEFAULT-VALUE}).")
  int agents;

  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    GRPC_LOG.setLevel(java.util.logging.Level.SEVERE);
    System.exit(new CommandLine(new HealthCheckBenchmark()).setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          System.err.println("health-check-benchmark: " + e.getMessage());
          return 1;
        }).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    System.out.println("# Health checks: the executor's cost");
    System.out.println("# " + Machine.describe());
    System.out.printf("# %d tasks on %d agent(s), %s checks every %s s (timeout %s s, grace %s s), warm-up %s s,"
        + " window %s s, %d run(s) with and without%n", tasks, agents, protocol, seconds(interval), seconds(timeout),
        seconds(grace), seconds(warmup), seconds(window), runs);
    long t0 = System.nanoTime();
    List<HealthCheckRun> results = new ArrayList<>();
    try (LocalProcessCluster cluster = LocalProcessCluster.start("health-check-bench", b -> b.agents(agents)
        .agentResources(HealthCheckBenchmark::agentResources)
        .agentArgs(List.of("--command-executor-idle-timeout", "2s")))) {
      System.out.printf("%d agent(s) registered after %.1f s%n", agents, (System.nanoTime() - t0) / 1e9);
      for (int r = 1; r <= runs; r++) {
        for (boolean checked : new boolean[] {true, false}) {
          results.add(run(cluster, r, checked));
        }
      }
    }
    System.out.printf("%n## Summary (%.0f s in all)%n%n", (System.nanoTime() - t0) / 1e9);
    HealthCheckRun.table(results).forEach(System.out::println);
    System.out.println();
    HealthCheckRun.verdict(results, tasks, GOAL_CORES_PER_100).forEach(System.out::println);
    return 0;
  }

  /** Agent {@code i}: room for many small tasks, and ports of its own. */
  private static Resources agentResources(int i) {
    int first = 20000 + i * 5000;
    return Resources.parse("cpus:64;mem:65536;ports:[" + first + "-" + (first + 4999) + "]");
  }

  private HealthCheckRun run(LocalProcessCluster cluster, int r, boolean checked) throws Exception {
    String load = Machine.loadAverage();
    String name = "hc-" + r + (checked ? "-on" : "-off");
    System.out.printf("%n### run %d, health checks %s (load average before: %s)%n", r, checked ? "on" : "off", load);
    HealthCheckFramework framework = new HealthCheckFramework(name, tasks, agents, checked ? this::check : null);
    long start = System.nanoTime();
    framework.start(cluster.master());
    await(framework, () -> framework.running() == tasks && (!checked || framework.healthy() == tasks), true,
        Duration.ofMinutes(5), checked ? "all tasks healthy" : "all tasks running");
    System.out.printf("all %d tasks %s after %.1f s%n", tasks, checked ? "healthy" : "running",
        (System.nanoTime() - start) / 1e9);
    Thread.sleep(warmup.toMillis()); // the warm-up is a length of time, not a condition
    CheckedProcesses before = CheckedProcesses.sample(cluster.agentPids());
    int unhealthyBefore = framework.becameUnhealthy();
    Thread.sleep(window.toMillis()); // the window is a length of time, not a condition
    CheckedProcesses after = CheckedProcesses.sample(cluster.agentPids());
    HealthCheckRun result = HealthCheckRun.of(r, checked, firstOf(load), before, after, tasks,
        framework.becameUnhealthy() - unhealthyBefore, framework.ends());
    result.details().forEach(System.out::println);
    framework.killAll();
    await(framework, () -> framework.endedCount() == tasks, false, Duration.ofMinutes(2), "all tasks ended");
    framework.stop();
    awaitExecutorsGone(cluster);
    return result;
  }

  private HealthCheck check(int port) {
    HealthCheck.Builder b = HealthCheck.newBuilder().setDelaySeconds(0).setIntervalSeconds(seconds(interval))
        .setTimeoutSeconds(seconds(timeout)).setGracePeriodSeconds(seconds(grace)).setConsecutiveFailures(3);
    return switch (protocol) {
      case HTTP -> b.setType(HealthCheck.Type.HTTP)
          .setHttp(HealthCheck.HttpCheck.newBuilder().setPort(port).setPath("/health")).build();
      case TCP -> b.setType(HealthCheck.Type.TCP).setTcp(HealthCheck.TcpCheck.newBuilder().setPort(port)).build();
    };
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static String firstOf(String loadAverage) {
    return loadAverage.split(" ")[0];
  }

  /**
   * Polls {@code done} until it holds; fails after {@code timeout}, or at once when a task ended if
   * {@code noneMayEnd}.
   */
  private static void await(HealthCheckFramework f, BooleanSupplier done, boolean noneMayEnd, Duration timeout,
      String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (noneMayEnd && f.endedCount() > 0) {
        throw new IllegalStateException("tasks ended before " + what + ": " + f.ends());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no " + what + " within " + timeout + ": " + f.running() + " running, "
            + f.healthy() + " healthy of " + f.launched() + " launched");
      }
      Thread.sleep(100); // polling the framework's counts, not synchronising on time
    }
  }

  /** Each run starts its own command executors: waits until the last run's have stopped (idle). */
  private static void awaitExecutorsGone(LocalProcessCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!CheckedProcesses.executors(cluster.agentPids()).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the command executors still run a minute after their tasks ended");
      }
      Thread.sleep(100); // polling the process table
    }
  }
}
