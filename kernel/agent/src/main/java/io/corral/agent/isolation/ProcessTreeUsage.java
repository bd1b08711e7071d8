package io.corral.agent.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What a process tree uses, from {@code /proc} (for hosts without cgroups: the {@code posix}
 * isolators): CPU seconds (user, system) and resident memory summed over the process and all its
 * descendants, from a {@link ProcTable}. The agent reads the table once per watch interval, never
 * per request. Linux only; elsewhere nothing is measured. Immutable.
 */
public record ProcessTreeUsage(int processes, double cpuUserSeconds, double cpuSystemSeconds, long rssBytes) {
  private static final long PAGE_BYTES = 4096;
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on every Linux the agent runs on

  /**
   * The command tasks below a command executor: its children that carry
   * {@code CORRAL_TASK_ID=<id>} in their environment, by task id.
   */
  public static Map<String, Long> tasksBelow(ProcTable table, long executorPid) {
    Map<String, Long> out = new HashMap<>();
    for (long child : table.childrenOf(executorPid)) {
      String id = environ(child).get(io.corral.common.Env.TASK_ID);
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
