package io.corral.agent.isolation;

import java.util.List;
import java.util.Map;

/**
 * The control files that hold a container's limits, and their values, per cgroup version: pure
 * functions of its resources. CPU: a share of contended time proportional to {@code cpus}
 * ({@code cpu.shares}, v2 {@code cpu.weight}) and, when asked, a hard cap of {@code cpus} cores per
 * CFS period ({@code cpu.cfs_quota_us}, v2 {@code cpu.max}); memory: a hard limit
 * ({@code memory.limit_in_bytes}, v2 {@code memory.max}); pids: {@code pids.max}.
 */
public final class CgroupLimits {
  /** The CFS period, as Mesos and the kernel's default: 100 ms. */
  static final long CFS_PERIOD_US = 100_000;
  /** The smallest CFS quota the kernel takes: 1 ms. */
  static final long MIN_CFS_QUOTA_US = 1_000;

  private CgroupLimits() {}

  /** v1 {@code cpu.shares}: 1024 per cpu, at least 2 (the kernel's minimum). */
  static long shares(double cpus) {
    return Math.max(2, Math.round(cpus * 1024));
  }

  /** v2 {@code cpu.weight} (1..10000) for the same shares, with the kernel's and systemd's conversion. */
  static long weight(double cpus) {
    long s = Math.min(262_144, shares(cpus));
    return Math.max(1, Math.min(10_000, 1 + ((s - 2) * 9_999) / 262_142));
  }

  /** The CFS quota for {@code cpus} cores per period. */
  static long quotaMicros(double cpus) {
    return Math.max(MIN_CFS_QUOTA_US, Math.round(cpus * CFS_PERIOD_US));
  }

  /** cpu controller files, in the order to write them. */
  public static List<Map.Entry<String, String>> cpu(int version, double cpus, boolean hardCap) {
    if (version == 1) {
      return hardCap
          ? List.of(Map.entry("cpu.shares", Long.toString(shares(cpus))),
              Map.entry("cpu.cfs_period_us", Long.toString(CFS_PERIOD_US)),
              Map.entry("cpu.cfs_quota_us", Long.toString(quotaMicros(cpus))))
          : List.of(Map.entry("cpu.shares", Long.toString(shares(cpus))));
    }
    return List.of(Map.entry("cpu.weight", Long.toString(weight(cpus))),
        Map.entry("cpu.max", (hardCap ? Long.toString(quotaMicros(cpus)) : "max") + " " + CFS_PERIOD_US));
  }

  /** memory controller files: the hard limit (swap is not limited separately). */
  public static List<Map.Entry<String, String>> memory(int version, long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("a memory limit must be positive: " + bytes);
    }
    return List.of(Map.entry(version == 1 ? "memory.limit_in_bytes" : "memory.max", Long.toString(bytes)));
  }

  /** pids controller files: at most {@code max} processes and threads. */
  public static List<Map.Entry<String, String>> pids(long max) {
    if (max <= 0) {
      throw new IllegalArgumentException("a pids limit must be positive: " + max);
    }
    return List.of(Map.entry("pids.max", Long.toString(max)));
  }

  /** Writes {@code files} into {@code cgroup}, in order. */
  public static void apply(Cgroup cgroup, List<Map.Entry<String, String>> files) throws java.io.IOException {
    for (Map.Entry<String, String> f : files) {
      cgroup.write(f.getKey(), f.getValue());
    }
  }
}
