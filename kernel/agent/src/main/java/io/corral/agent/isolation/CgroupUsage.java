package io.corral.agent.isolation;

import java.io.IOException;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a container used, from one read of its cgroups' statistics files (no process-table scan):
 * CPU time (user, system) and time throttled by its CFS cap, memory (resident, page cache, peak),
 * kills by the OOM killer, and processes. A value the host does not keep is -1.
 */
public record CgroupUsage(
    double cpuUserSeconds, double cpuSystemSeconds, double throttledSeconds, long memoryRssBytes,
    long memoryCacheBytes, long memoryPeakBytes, long oomKills, long processes) {
  /** Clock ticks per second of v1 {@code cpuacct.stat} (USER_HZ: 100 on every Linux architecture Java runs on). */
  static final double USER_HZ = 100;

  /** Reads the statistics of the container's cgroups, by controller ({@code cpu}, {@code cpuacct}, {@code memory}, {@code pids}). */
  public static CgroupUsage read(Map<String, Cgroup> byController) throws IOException {
    double user = -1;
    double system = -1;
    double throttled = -1;
    Cgroup cpu = byController.get("cpu");
    if (cpu != null && cpu.version() == 2) {
      user = micros(cpu.readKey("cpu.stat", "user_usec"));
      system = micros(cpu.readKey("cpu.stat", "system_usec"));
      throttled = micros(cpu.readKey("cpu.stat", "throttled_usec"));
    } else {
      if (cpu != null) {
        OptionalLong ns = cpu.readKey("cpu.stat", "throttled_time");
        throttled = ns.isPresent() ? ns.getAsLong() / 1e9 : -1;
      }
      Cgroup acct = byController.getOrDefault("cpuacct", cpu != null && cpu.has("cpuacct.stat") ? cpu : null);
      if (acct != null) {
        user = ticks(acct.readKey("cpuacct.stat", "user"));
        system = ticks(acct.readKey("cpuacct.stat", "system"));
      }
    }
    long rss = -1;
    long cache = -1;
    long peak = -1;
    long ooms = -1;
    Cgroup mem = byController.get("memory");
    if (mem != null && mem.version() == 2) {
      rss = mem.readKey("memory.stat", "anon").orElse(-1);
      cache = mem.readKey("memory.stat", "file").orElse(-1);
      peak = mem.readLong("memory.peak").orElse(-1);
      ooms = mem.readKey("memory.events", "oom_kill").orElse(-1);
    } else if (mem != null) {
      rss = mem.readKey("memory.stat", "total_rss").orElse(mem.readKey("memory.stat", "rss").orElse(-1));
      cache = mem.readKey("memory.stat", "total_cache").orElse(mem.readKey("memory.stat", "cache").orElse(-1));
      peak = mem.readLong("memory.max_usage_in_bytes").orElse(-1);
      ooms = mem.readKey("memory.oom_control", "oom_kill").orElse(-1);
    }
    Cgroup pids = byController.get("pids");
    long processes = pids == null ? -1 : pids.readLong("pids.current").orElse(-1);
    return new CgroupUsage(user, system, throttled, rss, cache, peak, ooms, processes);
  }

  private static double micros(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() / 1e6 : -1;
  }

  private static double ticks(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() / USER_HZ : -1;
  }
}
