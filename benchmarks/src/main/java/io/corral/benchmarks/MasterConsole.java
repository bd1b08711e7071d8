package io.corral.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The command loop of the benchmarks' master JVMs ({@link BenchMaster}, {@link FailoverMaster}):
 * reads commands from standard input, one per line, until it ends. {@code heap} prints
 * {@code HEAP <used bytes> <committed bytes>} after two full collections; {@code stats} prints
 * {@code STATS <fields>} with the fields the caller supplies.
 */
final class MasterConsole {
  private MasterConsole() {}

  static void serve(Supplier<String> stats, Consumer<String> print) throws IOException {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        switch (line.trim()) {
          case "heap" -> {
            System.gc();
            System.gc();
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            print.accept("HEAP " + heap.getUsed() + " " + heap.getCommitted());
          }
          case "stats" -> print.accept("STATS " + stats.get());
          default -> print.accept("ERROR unknown command " + line);
        }
      }
    }
  }
}
