package io.corral.agent.isolation;

import java.util.Set;

/** The cgroup controllers Linux has (v1 names; v2 uses the same for those Corral needs: cpu, memory, pids). */
final class Controllers {
  private static final Set<String> KNOWN = Set.of("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer",
      "blkio", "io", "pids", "hugetlb", "net_cls", "net_prio", "perf_event", "rdma", "misc");

  private Controllers() {}

  static boolean isKnown(String name) {
    return KNOWN.contains(name);
  }
}
