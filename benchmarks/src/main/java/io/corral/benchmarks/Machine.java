package io.corral.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line about the machine a benchmark runs on, for its output. */
final class Machine {
  private Machine() {}

  /**
   * The machine's CPU time so far, from {@code /proc/stat}, in clock ticks: {@code steal} is time
   * the hypervisor gave to someone else while this machine wanted to run.
   */
  record CpuTimes(long busy, long idle, long steal) {
    /** Now; zeros where {@code /proc/stat} cannot be read. */
    static CpuTimes now() {
      try {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        // cpu user nice system idle iowait irq softirq steal ...
        long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
            + Long.parseLong(f[7]);
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new CpuTimes(busy, idle, f.length > 8 ? Long.parseLong(f[8]) : 0);
      } catch (IOException | RuntimeException e) {
        return new CpuTimes(0, 0, 0);
      }
    }

    /** "busy x%, idle y%, stolen z%" of all processors between {@code start} and now. */
    String since(CpuTimes start) {
      long busyTicks = busy - start.busy;
      long idleTicks = idle - start.idle;
      long stealTicks = steal - start.steal;
      double all = Math.max(1, busyTicks + idleTicks + stealTicks);
      return String.format("busy %.0f%%, idle %.0f%%, stolen by the hypervisor %.1f%%", 100 * busyTicks / all,
          100 * idleTicks / all, 100 * stealTicks / all);
    }
  }

  /** {@code /proc/loadavg}, or "?". */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  /** Processors, CPU model, Java, maximum heap and the load average now. */
  static String describe() {
    Runtime rt = Runtime.getRuntime();
    String cpu = "?";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    } catch (IOException e) {
      // not Linux
    }
    String load = loadAverage();
    return String.format("%d processors (%s), java %s (%s), max heap %d MiB, load average at start: %s",
        rt.availableProcessors(), cpu, System.getProperty("java.version"), System.getProperty("java.vm.name"),
        rt.maxMemory() >> 20, load);
  }
}
