package io.corral.benchmarks;

import io.corral.master.Master;
import io.corral.master.MasterConfig;
import io.corral.master.core.MasterMetrics;
import io.corral.scheduler.CorralSchedulerDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * End-to-end offers and launches: N simulated agents (child JVM, each finishing its tasks at
 * once) and F frameworks (real drivers, this JVM) with endless backlogs of small tasks, launching
 * as many as fit on every offer, with implicit acknowledgements. One task's path: offer, ACCEPT,
 * RunTasks to the agent, TASK_RUNNING and TASK_FINISHED back through the master to the framework,
 * acknowledgements back through the master to the agent, resources re-offered. Rates are taken
 * over a window after a warm-up.
 */
final class ThroughputScenario {
  private ThroughputScenario() {}

  /** What to run. */
  record Options(int agents, int frameworks, Duration warmup, Duration window, int agentsPerChannel,
      int updateMessages) {}

  /** Counter values at one moment. */
  private record Snapshot(long at, long launched, long running, long finished, long other, long offersReceived,
      long accepts, long declines, long masterOffers, long masterLaunched, long masterUpdates, long messagesIn,
      long fullCycles, long incCycles) {
    static Snapshot take(BenchFrameworks.LoadCounters c, MasterMetrics m) {
      return new Snapshot(System.nanoTime(), c.launched.sum(), c.running.sum(), c.finished.sum(), c.otherStates.sum(), c.offers.sum(),
          c.accepts.sum(), c.declines.sum(), m.offersSent.get(), m.tasksLaunched.get(), m.statusUpdates.get(),
          m.messagesIn.get(), m.fullCycles.count(), m.incrementalCycles.count());
    }
  }

  static List<Figure> run(Options o) throws Exception {
    System.out.printf("%n## Throughput: %,d simulated agents, %d frameworks, %s per launch%n", o.agents(),
        o.frameworks(), o.updateMessages() == 2 ? "RUNNING and FINISHED in two messages" : "one update message");
    long t0 = System.nanoTime();
    try (Master master = new Master(MasterConfig.builder().port(0).build()).start();
        SimulatedAgentsProcess sims =
            SimulatedAgentsProcess.start(master.address(), o.agents(), o.agentsPerChannel(), o.updateMessages())) {
      System.out.printf("%,d agents registered in %.1f s%n", o.agents(), sims.registerSeconds());
      BenchFrameworks.LoadCounters counters = new BenchFrameworks.LoadCounters();
      List<CorralSchedulerDriver> drivers = BenchFrameworks.startAll(o.frameworks(), master.address(),
          i -> new BenchFrameworks.Loading(i, counters), Duration.ofMinutes(1));
      try {
        Thread.sleep(o.warmup().toMillis());
        MasterMetrics m = master.metrics();
        Snapshot a = Snapshot.take(counters, m);
        CpuMeter cpu = new CpuMeter(sims::cpuNanos);
        // The window in 5 s slices, to show whether the rate is steady.
        List<String> slices = new ArrayList<>();
        long sliceMillis = Math.min(5000, o.window().toMillis());
        long end = a.at + o.window().toNanos();
        Snapshot prev = a;
        for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
          Thread.sleep(Math.min(sliceMillis, left / 1_000_000 + 1));
          Snapshot now = Snapshot.take(counters, m);
          slices.add(String.format("%,.0f", (now.launched - prev.launched) * 1e9 / (now.at - prev.at)));
          prev = now;
        }
        Snapshot b = prev;
        List<String> cpuLines = cpu.report("simulated agents");
        double s = (b.at - a.at) / 1e9;
        double launches = (b.launched - a.launched) / s;
        double finished = (b.finished - a.finished) / s;
        double offers = (b.masterOffers - a.masterOffers) / s;
        double accepts = (b.accepts - a.accepts) / s;
        System.out.printf("window %.0f s after %d s of warm-up:%n", s, o.warmup().toSeconds());
        System.out.printf("  tasks launched (ACCEPTed by the frameworks): %,.0f/s (master counted %,.0f/s)%n",
            launches, (b.masterLaunched - a.masterLaunched) / s);
        System.out.printf("  launches/s in %d s slices: %s%n", sliceMillis / 1000, String.join(", ", slices));
        System.out.printf("  TASK_RUNNING seen by frameworks: %,.0f/s; TASK_FINISHED: %,.0f/s; other states: %d%n",
            (b.running - a.running) / s, finished, b.other - a.other);
        System.out.printf("  offers sent by the master: %,.0f/s; received: %,.0f/s; accepts %,.0f/s "
            + "(%.1f tasks each); declines %,.0f/s%n", offers, (b.offersReceived - a.offersReceived) / s, accepts,
            accepts > 0 ? launches / accepts : 0, (b.declines - a.declines) / s);
        System.out.printf("  status updates into the master: %,.0f/s; messages into the master: %,.0f/s%n",
            (b.masterUpdates - a.masterUpdates) / s, (b.messagesIn - a.messagesIn) / s);
        System.out.printf("  allocation cycles: %.1f full/s, %,.0f incremental/s%n", (b.fullCycles - a.fullCycles) / s,
            (b.incCycles - a.incCycles) / s);
        System.out.printf("  tasks in flight at the end (launched, not yet FINISHED): %,d%n", b.launched - b.finished);
        cpuLines.forEach(l -> System.out.println("  " + l));
        String setup = String.format("%,d agents, %d frameworks", o.agents(), o.frameworks());
        return List.of(
            new Figure("task launches/s end to end (" + setup + ")", String.format("%,.0f/s", launches),
                "≥ 5,000/s on 2 cores", "Nomad C1M 3,750/s (5 servers, 5,000 hosts); Kubernetes ~100–300 pods/s"),
            new Figure("tasks FINISHED/s as seen by the schedulers", String.format("%,.0f/s", finished),
                "≥ 5,000/s", "(same)"),
            new Figure("offers/s (master offersSent)", String.format("%,.0f/s (%.1f tasks per ACCEPT)", offers,
                accepts > 0 ? launches / accepts : 0), "—", "—"));
      } finally {
        BenchFrameworks.stopAll(drivers);
      }
    } finally {
      System.out.printf("(scenario took %.0f s)%n", (System.nanoTime() - t0) / 1e9);
    }
  }
}
