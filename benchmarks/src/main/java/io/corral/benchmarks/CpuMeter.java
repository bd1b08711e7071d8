package io.corral.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where the CPU went during a measurement window: the whole machine ({@code /proc/stat}), this
 * JVM, a child JVM, this JVM's threads grouped by name (numbers stripped), and GC.
 */
final class CpuMeter {
  private final long wallStart = System.nanoTime();
  private final long[] machineStart = machine();
  private final long processStart = processCpuNanos();
  private final Map<String, Long> threadsStart = threadGroups();
  private final long[] gcStart = gc();
  private final LongSupplier childCpuNanos;
  private final long childStart;

  /** @param childCpuNanos reads a child JVM's CPU time in nanoseconds (null: no child) */
  CpuMeter(LongSupplier childCpuNanos) {
    this.childCpuNanos = childCpuNanos;
    this.childStart = childCpuNanos == null ? 0 : childCpuNanos.getAsLong();
  }

  /** Lines describing the window from construction until now. */
  List<String> report(String childName) {
    double wall = (System.nanoTime() - wallStart) / 1e9;
    List<String> out = new ArrayList<>();
    long[] m = machine();
    long total = m[0] - machineStart[0];
    long idle = m[1] - machineStart[1];
    long steal = m[2] - machineStart[2];
    if (total > 0) {
      out.add(String.format("machine CPU busy: %.0f%% of %d cores (of which stolen by the hypervisor: %.0f%%)",
          100.0 * (total - idle) / total, Runtime.getRuntime().availableProcessors(), 100.0 * steal / total));
    }
    out.add(String.format("benchmark JVM (master + frameworks): %.2f cores",
        (processCpuNanos() - processStart) / 1e9 / wall));
    if (childCpuNanos != null) {
      out.add(String.format("%s JVM: %.2f cores", childName,
          (childCpuNanos.getAsLong() - childStart) / 1e9 / wall));
    }
    long[] g = gc();
    out.add(String.format("benchmark JVM GC: %d collections, %d ms", g[0] - gcStart[0], g[1] - gcStart[1]));
    Map<String, Long> threads = threadGroups();
    List<Map.Entry<String, Long>> groups = new ArrayList<>();
    threads.forEach((k, v) -> groups.add(Map.entry(k, v - threadsStart.getOrDefault(k, 0L))));
    groups.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    StringBuilder sb = new StringBuilder("busiest threads (cores):");
    for (int i = 0; i < Math.min(6, groups.size()); i++) {
      sb.append(String.format(" %s %.2f;", groups.get(i).getKey(), groups.get(i).getValue() / 1e9 / wall));
    }
    out.add(sb.toString());
    return out;
  }

  /** {total, idle + iowait, steal} jiffies from the first line of /proc/stat, or zeros. */
  private static long[] machine() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5]), f.length > 8 ? Long.parseLong(f[8]) : 0};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0, 0};
    }
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static Map<String, Long> threadGroups() {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new HashMap<>();
    long[] ids = bean.getAllThreadIds();
    ThreadInfo[] infos = bean.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long cpu = bean.getThreadCpuTime(ids[i]);
      if (infos[i] != null && cpu > 0) {
        out.merge(infos[i].getThreadName().replaceAll("\\d+", "#"), cpu, Long::sum);
      }
    }
    return out;
  }

  private static long[] gc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new long[] {count, millis};
  }
}
