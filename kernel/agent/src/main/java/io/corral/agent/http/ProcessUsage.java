package io.corral.agent.http;

import io.corral.common.process.ProcessTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What an executor's processes use, from {@code /proc}: CPU seconds (user + system) and resident
 * memory summed over the executor and all its descendants (a Spark or Storm worker JVM is a child
 * of the executor). Linux only; elsewhere nothing is measured.
 */
final class ProcessUsage {
  private static final long PAGE_BYTES = 4096;
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on every Linux the agent runs on

  private ProcessUsage() {}

  /** Usage of a process tree. */
  record Usage(int processes, double cpuSeconds, long rssBytes) {}

  static Usage of(ProcessHandle root) {
    if (root == null || !root.isAlive() || !Files.isDirectory(Path.of("/proc/self"))) {
      return null;
    }
    List<ProcessHandle> tree = ProcessTree.snapshot(root);
    double cpu = 0;
    long rss = 0;
    int n = 0;
    for (ProcessHandle p : tree) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
        // Fields after the command name (which may hold spaces) start after the last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        cpu += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND; // utime, stime
        String statm = Files.readString(Path.of("/proc", Long.toString(p.pid()), "statm"));
        rss += Long.parseLong(statm.trim().split(" ")[1]) * PAGE_BYTES;
        n++;
      } catch (IOException | RuntimeException e) {
        // the process ended while we read it
      }
    }
    return new Usage(n, Math.round(cpu * 100) / 100.0, rss);
  }
}
