package io.corral.agent.http;

import io.corral.agent.isolation.CgroupUsage;
import io.corral.agent.isolation.ContainerCgroups;
import io.corral.agent.isolation.ContainerLimits;
import io.corral.agent.isolation.ProcessTreeUsage;

/**
 * What an executor (its whole container, tasks included) uses and may use, as the agent's API
 * shows it. From one read of its cgroups' statistics files ({@code source: cgroups}) or, without
 * cgroups, from the agent's latest {@code /proc} scan ({@code source: proc}); the sandbox's bytes are
 * from the latest {@code disk/du} scan. Values not known are null. Immutable.
 */
public record ExecutorUsage(
    String source,
    Integer processes,
    Double cpuSeconds,
    Double cpuUserSeconds,
    Double cpuSystemSeconds,
    Double cpuThrottledSeconds,
    Long rssBytes,
    Long cacheBytes,
    Long peakBytes,
    Long oomKills,
    Long diskUsedBytes,
    Double cpusLimit,
    Long memLimitBytes,
    Long diskLimitBytes) {

  static ExecutorUsage of(ContainerCgroups cgroups, ProcessTreeUsage scanned, long diskUsed, ContainerLimits limits) {
    Long disk = diskUsed < 0 ? null : diskUsed;
    Double cpusLimit = limits == null || limits.cpus() <= 0 ? null : limits.cpus();
    Long memLimit = limits == null || limits.memBytes() <= 0 ? null : limits.memBytes();
    Long diskLimit = limits == null || limits.diskBytes() <= 0 ? null : limits.diskBytes();
    if (cgroups != null) {
      try {
        CgroupUsage u = cgroups.usage();
        Double user = known(u.cpuUserSeconds());
        Double system = known(u.cpuSystemSeconds());
        return new ExecutorUsage("cgroups",
            u.processes() < 0 ? (scanned == null ? null : scanned.processes()) : (int) u.processes(),
            user == null || system == null ? (scanned == null ? null : scanned.cpuUserSeconds() + scanned.cpuSystemSeconds())
                : round(user + system),
            user, system, known(u.throttledSeconds()), known(u.memoryRssBytes()), known(u.memoryCacheBytes()),
            known(u.memoryPeakBytes()), known(u.oomKills()), disk, cpusLimit, memLimit, diskLimit);
      } catch (java.io.IOException e) {
        // the container is going away: fall back on the scan, if any
      }
    }
    if (scanned == null) {
      return new ExecutorUsage("none", null, null, null, null, null, null, null, null, null, disk, cpusLimit, memLimit,
          diskLimit);
    }
    return new ExecutorUsage("proc", scanned.processes(), round(scanned.cpuUserSeconds() + scanned.cpuSystemSeconds()),
        scanned.cpuUserSeconds(), scanned.cpuSystemSeconds(), null, scanned.rssBytes(), null, null, null, disk,
        cpusLimit, memLimit, diskLimit);
  }

  private static Double known(double v) {
    return v < 0 ? null : round(v);
  }

  private static Long known(long v) {
    return v < 0 ? null : v;
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
