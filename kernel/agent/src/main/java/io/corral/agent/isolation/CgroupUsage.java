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
      Map<String, Long> stat = cpu.readKeys("cpu.stat");
      user = micros(stat.get("user_usec"));
      system = micros(stat.get("system_usec"));
      throttled = micros(stat.get("throttled_usec"));
    } else {
      if (cpu != null) {
        Long ns = cpu.readKeys("cpu.stat").get("throttled_time");
        throttled = ns == null ? -1 : ns / 1e9;
      }
      Cgroup acct = byController.getOrDefault("cpuacct", cpu != null && cpu.has("cpuacct.stat") ? cpu : null);
      if (acct != null) {
        Map<String, Long> stat = acct.readKeys("cpuacct.stat");
        user = ticks(stat.get("user"));
        system = ticks(stat.get("system"));
      }
    }
    long rss = -1;
    long cache = -1;
    long peak = -1;
    long ooms = -1;
    Cgroup mem = byController.get("memory");
    if (mem != null && mem.version() == 2) {
      Map<String, Long> stat = mem.readKeys("memory.stat");
      rss = stat.getOrDefault("anon", -1L);
      cache = stat.getOrDefault("file", -1L);
      peak = mem.readLong("memory.peak").orElse(-1);
      ooms = mem.readKeys("memory.events").getOrDefault("oom_kill", -1L);
    } else if (mem != null) {
      Map<String, Long> stat = mem.readKeys("memory.stat");
      rss = stat.getOrDefault("total_rss", stat.getOrDefault("rss", -1L));
      cache = stat.getOrDefault("total_cache", stat.getOrDefault("cache", -1L));
      peak = mem.readLong("memory.max_usage_in_bytes").orElse(-1);
      ooms = mem.readKeys("memory.oom_control").getOrDefault("oom_kill", -1L);
    }
    Cgroup pids = byController.get("pids");
    long processes = pids == null ? -1 : pids.readLong("pids.current").orElse(-1);
    return new CgroupUsage(user, system, throttled, rss, cache, peak, ooms, processes);
  }

  private static double micros(Long v) {
    return v != null ? v / 1e6 : -1;
  }

  private static double ticks(Long v) {
    return v != null ? v / USER_HZ : -1;
  }
}
