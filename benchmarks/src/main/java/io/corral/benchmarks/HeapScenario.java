package io.corral.benchmarks;

import io.corral.common.net.HostPort;
import io.corral.scheduler.CorralSchedulerDriver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The master's heap at N agents: the master runs alone in a child JVM ({@link BenchMaster}); its
 * used heap is read there after two full collections, before any agent (baseline), with N
 * simulated agents registered, and with F frameworks subscribed as well and every agent
 * offered (the frameworks keep their offers).
 */
final class HeapScenario {
  private HeapScenario() {}

  /** What to run. */
  record Options(int agents, int frameworks, int agentsPerChannel, String masterHeap, boolean histogram) {}

  static List<Figure> run(Options o) throws Exception {
    System.out.printf("%n## Master heap: %,d simulated agents, then %d frameworks (master alone in a JVM, -Xmx%s)%n",
        o.agents(), o.frameworks(), o.masterHeap());
    long t0 = System.nanoTime();
    try (ChildJvm master = ChildJvm.start("master", List.of("-Xmx" + o.masterHeap(),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), BenchMaster.class, List.of())) {
      int port = Integer.parseInt(master.await("PORT", Duration.ofSeconds(60)).split(" ")[1]);
      HostPort address = new HostPort("127.0.0.1", port);
      long base = heap(master);
      System.out.printf("baseline (master started, nothing connected): %.1f MiB used%n", base / 1048576.0);
      try (SimulatedAgentsProcess sims = SimulatedAgentsProcess.start(address, o.agents(), o.agentsPerChannel(), 2)) {
        System.out.printf("%,d agents registered in %.1f s%n", o.agents(), sims.registerSeconds());
        awaitStat(master, 0, o.agents());
        long withAgents = heap(master);
        long perAgent = (withAgents - base) / o.agents();
        System.out.printf("with %,d agents: %.1f MiB used (+%.1f MiB, %,d bytes per agent); master RSS %s%n",
            o.agents(), withAgents / 1048576.0, (withAgents - base) / 1048576.0, perAgent, rss(master.pid()));
        LongAdder offers = new LongAdder();
        List<CorralSchedulerDriver> drivers = BenchFrameworks.startAll(o.frameworks(), address,
            i -> new BenchFrameworks.Holding(offers), Duration.ofMinutes(2));
        long withFrameworks;
        try {
          awaitStat(master, 2, o.agents());
          withFrameworks = heap(master);
          System.out.printf("with %d frameworks too, holding %,d offers: %.1f MiB used (+%.1f MiB over agents only)"
              + "; master RSS %s%n", o.frameworks(), offers.sum(), withFrameworks / 1048576.0,
              (withFrameworks - withAgents) / 1048576.0, rss(master.pid()));
          if (o.histogram()) {
            histogram(master.pid()).forEach(l -> System.out.println("  " + l));
          }
        } finally {
          BenchFrameworks.stopAll(drivers);
        }
        return List.of(
            new Figure(String.format("master heap at %,d agents (after full GC)", o.agents()),
                String.format("%.0f MiB used (%.0f MiB over the idle master: %,d bytes per agent)",
                    withAgents / 1048576.0, (withAgents - base) / 1048576.0, perAgent), "—", "—"),
            new Figure(String.format("… and %d frameworks holding %,d offers", o.frameworks(), o.agents()),
                String.format("%.0f MiB used", withFrameworks / 1048576.0), "—", "—"));
      }
    } finally {
      System.out.printf("(scenario took %.0f s)%n", (System.nanoTime() - t0) / 1e9);
    }
  }

  private static long heap(ChildJvm master) throws IOException, InterruptedException {
    master.send("heap");
    return Long.parseLong(master.await("HEAP", Duration.ofMinutes(1)).split(" ")[1]);
  }

  /** Waits until field {@code index} of the master's STATS line reaches {@code atLeast}. */
  private static void awaitStat(ChildJvm master, int index, long atLeast) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      master.send("stats");
      long value = Long.parseLong(master.await("STATS", Duration.ofSeconds(30)).split(" ")[1 + index]);
      if (value >= atLeast) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("master stat " + index + " stuck at " + value + " < " + atLeast);
      }
      Thread.sleep(200);
    }
  }

  private static String rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return line.substring(6).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "?";
  }

  /** The top of the master's live-object histogram ({@code jcmd GC.class_histogram}). */
  private static List<String> histogram(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
        .redirectErrorStream(true).start();
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (out.size() < 18) {
          out.add(line);
        }
      }
    }
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
