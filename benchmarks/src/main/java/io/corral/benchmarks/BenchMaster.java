package io.corral.benchmarks;

import io.corral.master.Master;
import io.corral.master.MasterConfig;
import io.corral.master.core.MasterMetrics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;

/**
 * A master alone in its JVM, for measuring its heap (the heap scenario of {@link KernelBenchmark}).
 * Prints {@code PORT <port>}, then answers commands read from standard input, one per line:
 * {@code heap} prints {@code HEAP <used bytes> <committed bytes>} after two full collections;
 * {@code stats} prints {@code STATS <agents registered> <frameworks subscribed> <offers sent>}.
 * Exits when its standard input ends.
 */
public final class BenchMaster {
  private BenchMaster() {}

  public static void main(String[] args) throws Exception {
    try (Master master = new Master(MasterConfig.builder().port(0).build()).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      System.out.println("PORT " + master.address().port());
      System.out.flush();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        switch (line.trim()) {
          case "heap" -> {
            System.gc();
            System.gc();
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            System.out.println("HEAP " + heap.getUsed() + " " + heap.getCommitted());
          }
          case "stats" -> {
            MasterMetrics m = master.metrics();
            System.out.println("STATS " + m.agentsRegistered.get() + " " + m.frameworksSubscribed.get() + " "
                + m.offersSent.get());
          }
          default -> System.out.println("ERROR unknown command " + line);
        }
        System.out.flush();
      }
    }
    System.exit(0);
  }
}
