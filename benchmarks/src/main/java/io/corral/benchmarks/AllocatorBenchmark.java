package io.corral.benchmarks;

import io.corral.benchmarks.Scenario.Cluster;
import io.corral.master.allocator.Allocation;
import io.corral.master.allocator.DrfAllocator;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Allocator cycle time, in process: for each scenario and grid (agents x frameworks), builds an
 * allocator, runs warm-up cycles (at least {@code --warmup} of them and at least two seconds), then
 * times {@link DrfAllocator#allocateAll} over {@code --cycles} measured cycles, one simulated
 * second apart (the frameworks' answers between cycles are not timed). Every cycle must offer
 * every agent, or the run fails. The last column counts the
 * garbage collections, and their milliseconds, during the measured cycles and the answers
 * between them (a pause inside a timed cycle also shows in its time).
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/corral-benchmarks.jar:benchmarks/target/lib/*" \
 *     io.corral.benchmarks.AllocatorBenchmark [--cycles=20] [--warmup=10] \
 *     [--grid=1000x100,5000x500,10000x100,10000x1000] [--scenario=all|all-free|mostly-filtered|quotas]
 * </pre>
 */
public final class AllocatorBenchmark {
  private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
  private static final long WARMUP_NANOS = 2_000_000_000L;

  private AllocatorBenchmark() {}

  /** One measured grid point ({@code offersPerCycle}: of the last measured cycle). */
  record Result(Scenario scenario, Cluster cluster, long filters, double setupSeconds,
      int offersPerCycle, Histogram nanos, long gcCount, long gcMillis) {
    String row() {
      return String.format(
          "| %-15s | %6d | %5d | %9d | %7.1f | %7.2f | %7.2f | %7.2f | %6d | %3d / %5d |",
          scenario.label(), cluster.agents(), cluster.frameworks(), filters, setupSeconds,
          ms(nanos.getValueAtPercentile(50)), ms(nanos.getValueAtPercentile(99)),
          ms(nanos.getMaxValue()), offersPerCycle, gcCount, gcMillis);
    }

    private static double ms(long nanos) {
      return nanos / 1e6;
    }
  }

  public static void main(String[] args) {
    int cycles = 20;
    int warmup = 10;
    List<Cluster> grid = List.of(new Cluster(1000, 100), new Cluster(5000, 500),
        new Cluster(10_000, 100), new Cluster(10_000, 1000));
    List<Scenario> scenarios = List.of(Scenario.values());
    for (String arg : args) {
      String value = arg.substring(arg.indexOf('=') + 1);
      if (arg.startsWith("--cycles=")) {
        cycles = Integer.parseInt(value);
      } else if (arg.startsWith("--warmup=")) {
        warmup = Integer.parseInt(value);
      } else if (arg.startsWith("--grid=")) {
        grid = parseGrid(value);
      } else if (arg.startsWith("--scenario=")) {
        scenarios = value.equals("all") ? List.of(Scenario.values())
            : List.of(Scenario.valueOf(value.toUpperCase().replace('-', '_')));
      } else {
        System.err.println("unknown argument " + arg + " (see the class Javadoc)");
        System.exit(2);
      }
    }
    if (cycles < 1 || warmup < 0) {
      System.err.println("need --cycles >= 1 and --warmup >= 0");
      System.exit(2);
    }
    Runtime rt = Runtime.getRuntime();
    System.out.printf("# Allocator cycle time: %d measured full cycles per row, after at least"
        + " %d warm-up cycles and %d s%n", cycles, warmup, WARMUP_NANOS / 1_000_000_000L);
    System.out.printf("# java %s (%s), %d processors, max heap %d MiB%n",
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        rt.availableProcessors(), rt.maxMemory() >> 20);
    System.out.println("| scenario        | agents | fwks  | filters   | setup s | p50 ms  "
        + "| p99 ms  | max ms  | offers | GCs / ms    |");
    System.out.println("|-----------------|-------:|------:|----------:|--------:|--------:"
        + "|--------:|--------:|-------:|------------:|");
    for (Scenario scenario : scenarios) {
      for (Cluster cluster : grid) {
        System.out.println(run(scenario, cluster, warmup, cycles).row());
      }
    }
  }

  static Result run(Scenario scenario, Cluster cluster, int warmup, int cycles) {
    long setupStart = System.nanoTime();
    DrfAllocator allocator = cluster.build(42, scenario);
    Instant[] now = {START};
    int[] offers = {0};
    scenario.prepare(allocator, cluster, now[0]);
    double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
    // Warm up for the given cycles and at least WARMUP_NANOS, so the JIT is done.
    long warmupEnd = System.nanoTime() + WARMUP_NANOS;
    for (int i = 0; i < warmup || System.nanoTime() < warmupEnd; i++) {
      cycle(allocator, scenario, cluster, now, offers);
    }
    Histogram nanos = new Histogram(3);
    long[] gcBefore = gcTotals();
    for (int i = 0; i < cycles; i++) {
      nanos.recordValue(cycle(allocator, scenario, cluster, now, offers));
    }
    long[] gcAfter = gcTotals();
    return new Result(scenario, cluster, scenario.filters(cluster), setupSeconds,
        offers[0], nanos, gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1]);
  }

  /** One second later: one timed full cycle, then the frameworks' (untimed) answers. */
  private static long cycle(DrfAllocator allocator, Scenario scenario, Cluster cluster,
      Instant[] now, int[] offers) {
    now[0] = now[0].plus(Duration.ofSeconds(1));
    long t0 = System.nanoTime();
    List<Allocation> out = allocator.allocateAll(now[0]);
    long t = System.nanoTime() - t0;
    if (scenario.offersEveryAgentWhole() ? out.size() != cluster.agents()
        : out.stream().map(Allocation::agentId).distinct().count() != cluster.agents()) {
      throw new IllegalStateException("expected every agent offered, got " + out.size() + " offers");
    }
    offers[0] = out.size();
    scenario.respond(allocator, out, now[0]);
    return t;
  }

  /** Collections and milliseconds spent collecting so far, over all collectors. */
  private static long[] gcTotals() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  private static List<Cluster> parseGrid(String spec) {
    List<Cluster> out = new ArrayList<>();
    for (String point : spec.split(",")) {
      String[] parts = point.trim().split("x");
      out.add(new Cluster(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
    }
    return out;
  }
}
