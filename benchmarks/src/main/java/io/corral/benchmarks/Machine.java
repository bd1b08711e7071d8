package io.corral.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line about the machine a benchmark runs on, for its output. */
final class Machine {
  private Machine() {}

  /** Processors, CPU model, Java, maximum heap and the load average now. */
  static String describe() {
    Runtime rt = Runtime.getRuntime();
    String cpu = "?";
    String load = "?";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
      load = Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      // not Linux
    }
    return String.format("%d processors (%s), java %s (%s), max heap %d MiB, load average at start: %s",
        rt.availableProcessors(), cpu, System.getProperty("java.version"), System.getProperty("java.vm.name"),
        rt.maxMemory() >> 20, load);
  }
}
