package io.corral.benchmarks;

import io.corral.master.Master;
import io.corral.master.MasterConfig;
import io.corral.master.core.MasterMetrics;

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
    try (Master master = new Master(MasterConfig.builder().port(0).build()).start()) {
      System.out.println("PORT " + master.address().port());
      System.out.flush();
      MasterConsole.serve(() -> {
        MasterMetrics m = master.metrics();
        return m.agentsRegistered.get() + " " + m.frameworksSubscribed.get() + " " + m.offersSent.get();
      }, line -> {
        System.out.println(line);
        System.out.flush();
      });
    }
    System.exit(0);
  }
}
