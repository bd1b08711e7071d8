package io.corral.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The kernel benchmark: the real master over loopback, with simulated agents in a child JVM and
 * frameworks on the real scheduler library. Scenarios (see docs/benchmarks.md):
 *
 * <ul>
 *   <li>{@code alloc}: allocation cycle time at 1,000 x 100 and 10,000 x 1,000 (agents x
 *       frameworks), {@link AllocationScenario};
 *   <li>{@code throughput}: offers/s and task launches/s end to end with 1,000 agents,
 *       {@link ThroughputScenario};
 *   <li>{@code latency}: launch-to-RUNNING latency of command tasks with real processes on a
 *       LocalCluster, {@link LatencyScenario};
 *   <li>{@code heap}: the master's heap at 10,000 agents, {@link HeapScenario}.
 * </ul>
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -Xmx2g -cp "benchmarks/target/corral-benchmarks.jar:benchmarks/target/lib/*" \
 *     io.corral.benchmarks.KernelBenchmark [--scenarios=alloc,throughput,latency,heap]
 * </pre>
 */
@Command(name = "kernel-benchmark", mixinStandardHelpOptions = true,
    description = "End-to-end benchmark of the Corral master with simulated agents.")
public final class KernelBenchmark implements Callable<Integer> {
  /**
   * gRPC logs through java.util.logging; when a scenario ends, streams to peers that are already
   * gone produce a warning each. Held here so the level setting is not garbage collected.
   */
  private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

  @Option(names = "--scenarios", split = ",", defaultValue = "alloc,throughput,latency,heap",
      description = "Scenarios to run, in order: alloc, throughput, latency, heap (default: all).")
  List<String> scenarios;

  @Option(names = "--alloc-grid", split = ",", defaultValue = "1000x100,10000x1000",
      description = "agents x frameworks of the allocation scenario (default: ${DEFAULT-VALUE}).")
  List<String> allocGrid;

  @Option(names = "--alloc-window", defaultValue = "30", description = "Seconds of full cycles measured (default: 30).")
  int allocWindow;

  @Option(names = "--offer-timeout", defaultValue = "0.5",
      description = "Master offer timeout in the allocation scenario, seconds (default: 0.5; below the 1 s interval).")
  double offerTimeout;

  @Option(names = "--agents", defaultValue = "1000", description = "Simulated agents, throughput (default: 1000).")
  int agents;

  @Option(names = "--frameworks", defaultValue = "8", description = "Frameworks, throughput (default: 8).")
  int frameworks;

  @Option(names = "--update-messages", defaultValue = "2",
      description = "Throughput: 2 = RUNNING and FINISHED in separate messages per launch, 1 = one message.")
  int updateMessages;

  @Option(names = "--warmup", defaultValue = "10",
      description = "Seconds of warm-up before the allocation window (default: 10).")
  int warmup;

  @Option(names = "--throughput-warmup", defaultValue = "25",
      description = "Seconds of warm-up before the throughput window (default: 25; the rate settles after ~20 s).")
  int throughputWarmup;

  @Option(names = "--window", defaultValue = "20", description = "Seconds measured, throughput (default: 20).")
  int window;

  @Option(names = "--agents-per-connection", defaultValue = "1250",
      description = "Simulated agent streams multiplexed on one HTTP/2 connection (default: 1250).")
  int agentsPerChannel;

  @Option(names = "--latency-tasks", defaultValue = "400", description = "Measured launches (default: 400).")
  int latencyTasks;

  @Option(names = "--latency-warmup", defaultValue = "100", description = "Warm-up launches (default: 100).")
  int latencyWarmup;

  @Option(names = "--latency-rate", defaultValue = "20", description = "Launches per second (default: 20).")
  double latencyRate;

  @Option(names = "--latency-command", defaultValue = "true", description = "Task command (default: true).")
  String latencyCommand;

  @Option(names = "--heap-agents", defaultValue = "10000", description = "Agents, heap scenario (default: 10000).")
  int heapAgents;

  @Option(names = "--heap-frameworks", defaultValue = "100", description = "Frameworks, heap (default: 100).")
  int heapFrameworks;

  @Option(names = "--master-heap", defaultValue = "2g", description = "-Xmx of the heap scenario's master.")
  String masterHeap;

  @Option(names = "--state-agents", defaultValue = "10000", description = "Agents, state scenario (default: 10000).")
  int stateAgents;

  @Option(names = "--state-frameworks", defaultValue = "100",
      description = "Launching frameworks, state scenario (default: 100).")
  int stateFrameworks;

  @Option(names = "--state-fill", defaultValue = "30",
      description = "Seconds of launching before the state scenario measures (default: 30).")
  int stateFill;

  @Option(names = "--state-requests", defaultValue = "20", description = "Requests timed per endpoint (default: 20).")
  int stateRequests;

  @Option(names = "--histogram", description = "Heap scenario: print the top of the master's class histogram.")
  boolean histogram;

  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    GRPC_LOG.setLevel(java.util.logging.Level.SEVERE);
    int code = new CommandLine(new KernelBenchmark()).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    printMachine();
    long t0 = System.nanoTime();
    List<Figure> figures = new ArrayList<>();
    for (String scenario : scenarios) {
      switch (scenario.trim()) {
        case "alloc" -> {
          AllocationScenario.Options o = new AllocationScenario.Options(Duration.ofSeconds(warmup),
              Duration.ofSeconds(allocWindow), Duration.ofMillis((long) (offerTimeout * 1000)), agentsPerChannel);
          for (String point : allocGrid) {
            String[] p = point.trim().split("x");
            int a = Integer.parseInt(p[0]);
            int f = Integer.parseInt(p[1]);
            String target = a <= 1000 ? "≤ 20 ms" : a >= 10_000 && f >= 1000 ? "≤ 0.3 s" : "—";
            String anchor = a == 1000 && f == 100 ? "Mesos 1.8 ≈ 0.1–0.2 s"
                : a == 10_000 && f == 1000 ? "Mesos 1.8 ≈ 1.1 s" : "—";
            figures.addAll(AllocationScenario.run(a, f, o, target, anchor));
          }
        }
        case "throughput" -> figures.addAll(ThroughputScenario.run(new ThroughputScenario.Options(agents, frameworks,
            Duration.ofSeconds(throughputWarmup), Duration.ofSeconds(window), agentsPerChannel, updateMessages)));
        case "latency" -> figures.addAll(LatencyScenario.run(new LatencyScenario.Options(3, latencyWarmup,
            latencyTasks, latencyRate, latencyCommand)));
        case "heap" -> figures.addAll(HeapScenario.run(new HeapScenario.Options(heapAgents, heapFrameworks,
            agentsPerChannel, masterHeap, histogram)));
        case "state" -> figures.addAll(StateScenario.run(new StateScenario.Options(stateAgents, stateFrameworks,
            Duration.ofSeconds(stateFill), stateRequests, agentsPerChannel)));
        default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown scenario " + scenario);
      }
    }
    System.out.printf("%n## Summary (%.0f s in all)%n%n", (System.nanoTime() - t0) / 1e9);
    Figure.table(figures).forEach(System.out::println);
    return 0;
  }

  private static void printMachine() {
    System.out.println("# Corral kernel benchmark");
    System.out.println("# " + Machine.describe());
  }
}
