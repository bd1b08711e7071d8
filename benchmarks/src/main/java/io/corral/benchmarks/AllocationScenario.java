package io.corral.benchmarks;

import io.corral.master.Master;
import io.corral.master.MasterConfig;
import io.corral.master.core.CycleLog;
import io.corral.master.core.MasterMetrics;
import io.corral.scheduler.CorralSchedulerDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Allocation cycle time in the real master: A simulated agents (child JVM) and F frameworks (real
 * drivers, this JVM) that keep every offer without answering. The master runs with an offer
 * timeout shorter than its allocation interval (1 s) and no filter after a timeout, so at each
 * periodic tick it takes back every offer and the full cycle right after finds every agent
 * free and offers it again, to the framework with the lowest share: like the Mesos allocator
 * benchmark's "all frameworks in one role, no filtering", but with the real master, its state,
 * its network and its schedulers around it. Timed from {@link MasterMetrics#fullCycles}.
 */
final class AllocationScenario {
  private AllocationScenario() {}

  /** What to run. */
  record Options(Duration warmup, Duration window, Duration offerTimeout, int agentsPerChannel) {}

  /** Open file descriptors of a process ({@code /proc/<pid>/fd}), or -1 if unknown. */
  private static long openFiles(String pid) {
    try (Stream<Path> fds = Files.list(Path.of("/proc", pid, "fd"))) {
      return fds.count();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The {@code n} largest total times, in ms, slowest first, each with its position in the window. */
  private static String slowest(List<CycleLog.Sample> samples, int n) {
    long first = samples.get(0).seq();
    return samples.stream().sorted((a, b) -> Long.compare(b.totalNanos(), a.totalNanos())).limit(n)
        .map(x -> String.format("%.1f (#%d)", Figure.ms(x.totalNanos()), x.seq() - first + 1))
        .collect(Collectors.joining(", "));
  }

  static List<Figure> run(int agents, int frameworks, Options o, String target, String anchor) throws Exception {
    System.out.printf("%n## Allocation cycle: %,d simulated agents x %,d frameworks%n", agents, frameworks);
    MasterConfig config = MasterConfig.builder().port(0).offerTimeout(o.offerTimeout())
        .offerTimeoutFilter(Duration.ZERO).build();
    long t0 = System.nanoTime();
    try (Master master = new Master(config).start();
        SimulatedAgentsProcess sims =
            SimulatedAgentsProcess.start(master.address(), agents, o.agentsPerChannel(), 2)) {
      System.out.printf("%,d agents registered in %.1f s%n", agents, sims.registerSeconds());
      LongAdder offers = new LongAdder();
      long t1 = System.nanoTime();
      List<CorralSchedulerDriver> drivers = BenchFrameworks.startAll(frameworks, master.address(),
          i -> new BenchFrameworks.Holding(offers), Duration.ofMinutes(3));
      System.out.printf("%,d frameworks registered in %.1f s%n", frameworks, (System.nanoTime() - t1) / 1e9);
      try {
        Thread.sleep(o.warmup().toMillis());
        MasterMetrics m = master.metrics();
        long fullMark = m.fullCycles.count();
        long incMark = m.incrementalCycles.count();
        long offersMark = m.offersSent.get();
        CpuMeter cpu = new CpuMeter(sims::cpuNanos);
        Thread.sleep(o.window().toMillis());
        List<CycleLog.Sample> full = m.fullCycles.since(fullMark);
        List<CycleLog.Sample> inc = m.incrementalCycles.since(incMark);
        double seconds = o.window().toMillis() / 1000.0;
        long offersSent = m.offersSent.get() - offersMark;
        List<String> cpuLines = cpu.report("simulated agents");

        Histogram alloc = Figure.nanos();
        Histogram total = Figure.nanos();
        Histogram cpuTime = Figure.nanos();
        Histogram incTotal = Figure.nanos();
        long minOffers = Long.MAX_VALUE;
        long sumOffers = 0;
        for (CycleLog.Sample s : full) {
          alloc.recordValue(s.allocatorNanos());
          total.recordValue(s.totalNanos());
          if (s.cpuNanos() >= 0) {
            cpuTime.recordValue(s.cpuNanos());
          }
          minOffers = Math.min(minOffers, s.offers());
          sumOffers += s.offers();
        }
        inc.forEach(s -> incTotal.recordValue(s.totalNanos()));
        if (full.isEmpty()) {
          throw new IllegalStateException("no full cycle ran in the window");
        }
        System.out.printf("full cycles in %.0f s: %d; offers per cycle: mean %.0f, min %d (agents: %d)%n",
            seconds, full.size(), (double) sumOffers / full.size(), minOffers, agents);
        System.out.printf("full cycle, allocator only (p50 / p99 / max): %s%n", Figure.percentiles(alloc));
        System.out.printf("full cycle, allocator + making and queueing offers: %s%n", Figure.percentiles(total));
        System.out.printf("  CPU time of the master's loop thread in those cycles: %s%n", Figure.percentiles(cpuTime));
        System.out.printf("slowest full cycles (allocator + offers, ms): %s%n", slowest(full, 5));
        System.out.printf("incremental cycles: %d (%s, allocator + offers)%n", inc.size(),
            inc.isEmpty() ? "-" : Figure.percentiles(incTotal));
        System.out.printf("offers sent: %,.0f/s; received by frameworks so far: %,d%n", offersSent / seconds,
            offers.sum());
        cpuLines.forEach(System.out::println);
        System.out.printf("open files: benchmark JVM %d, simulated agents JVM %d%n", openFiles("self"),
            openFiles(Long.toString(sims.pid())));
        String grid = String.format("%,d x %,d", agents, frameworks);
        List<Figure> out = new ArrayList<>();
        out.add(new Figure("allocation cycle p50 / p99, " + grid + " (allocator only; " + full.size() + " full cycles, "
            + Math.round((double) sumOffers / full.size()) + " offers each)",
            String.format("%.1f / %.1f ms", Figure.ms(alloc.getValueAtPercentile(50)),
                Figure.ms(alloc.getValueAtPercentile(99))), target, anchor));
        out.add(new Figure("allocation cycle p50 / p99, " + grid + " (allocator + making and sending the offers;"
            + " in brackets: CPU time of the master's thread)",
            String.format("%.1f / %.1f ms (CPU %.1f / %.1f ms)", Figure.ms(total.getValueAtPercentile(50)),
                Figure.ms(total.getValueAtPercentile(99)), Figure.ms(cpuTime.getValueAtPercentile(50)),
                Figure.ms(cpuTime.getValueAtPercentile(99))), target, anchor));
        return out;
      } finally {
        BenchFrameworks.stopAll(drivers);
      }
    } finally {
      System.out.printf("(scenario took %.0f s)%n", (System.nanoTime() - t0) / 1e9);
    }
  }
}
