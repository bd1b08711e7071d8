package io.corral.agent.isolation;

import io.corral.common.process.ProcessTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a process tree uses, from {@code /proc} (for hosts without cgroups: the {@code posix}
 * isolators): CPU seconds (user, system) and resident memory summed over the process and all its
 * descendants. A scan of the process table: the agent does it once per watch interval, never per
 * request. Linux only; elsewhere nothing is measured. Immutable.
 */
public record ProcessTreeUsage(int processes, double cpuUserSeconds, double cpuSystemSeconds, long rssBytes) {
  private static final long PAGE_BYTES = 4096;
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on every Linux the agent runs on

  /** Usage of {@code root} and its descendants; null when it is gone or there is no {@code /proc}. */
  public static ProcessTreeUsage of(ProcessHandle root) {
    if (root == null || !root.isAlive() || !Files.isDirectory(Path.of("/proc/self"))) {
      return null;
    }
    double user = 0;
    double system = 0;
    long rss = 0;
    int n = 0;
    for (ProcessHandle p : ProcessTree.snapshot(root)) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
        // Fields after the command name (which may hold spaces) start after the last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        user += Long.parseLong(f[11]) / TICKS_PER_SECOND;
        system += Long.parseLong(f[12]) / TICKS_PER_SECOND;
        rss += Long.parseLong(f[21]) * PAGE_BYTES;
        n++;
      } catch (IOException | RuntimeException e) {
        // the process ended while we read it
      }
    }
    return new ProcessTreeUsage(n, round(user), round(system), rss);
  }

  /**
   * The command tasks below a command executor: its children that carry
   * {@code CORRAL_TASK_ID=<id>} in their environment, by task id.
   */
  public static Map<String, ProcessHandle> tasksBelow(ProcessHandle executor) {
    Map<String, ProcessHandle> out = new HashMap<>();
    if (executor == null) {
      return out;
    }
    List<ProcessHandle> children = executor.children().toList();
    for (ProcessHandle child : children) {
      String id = environ(child.pid()).get(io.corral.common.Env.TASK_ID);
      if (id != null) {
        out.put(id, child);
      }
    }
    return out;
  }

  static Map<String, String> environ(long pid) {
    Map<String, String> env = new HashMap<>();
    try {
      String all = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")),
          StandardCharsets.UTF_8);
      for (String kv : all.split("\0")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not ours to read
    }
    return env;
  }

  private static double round(double seconds) {
    return Math.round(seconds * 100) / 100.0;
  }
}
