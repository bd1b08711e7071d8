package io.corral.agent.isolation;

import io.corral.common.resources.Resources;
import java.time.Duration;
import java.util.List;

/**
 * How an agent isolates its executors.
 *
 * @param requested the isolators asked for ({@code --isolation}); empty: every one the host supports
 * @param cgroupsRoot where containers' cgroups go in each hierarchy: relative to the agent's own cgroup,
 *     or from the hierarchy's root when it starts with {@code /}; {@code <root>/<agent-id>/<container-id>}
 * @param enableCfs cap each container at its {@code cpus} (CFS quota), not only weigh it
 * @param pidsLimit most processes and threads of one container, and of one command task (pids)
 * @param commandExecutorOverhead what the built-in command executor itself gets on top of its tasks
 * @param watchInterval how often limits that are polled are checked (OOM kills seen, posix memory)
 * @param diskWatchInterval how often {@code disk/du} measures sandboxes
 */
public record IsolationSettings(List<String> requested, String cgroupsRoot, boolean enableCfs, long pidsLimit,
    Resources commandExecutorOverhead, Duration watchInterval, Duration diskWatchInterval) {

  /** The isolators Corral knows. */
  public static final List<String> KNOWN =
      List.of(Isolators.CGROUPS_CPU, Isolators.CGROUPS_MEM, Isolators.CGROUPS_PIDS, Isolators.DISK_DU,
          Isolators.POSIX_CPU, Isolators.POSIX_MEM);

  /** Defaults: every isolator the host supports, under {@code <own cgroup>/corral}, no CFS cap, 4096 pids. */
  public static final IsolationSettings DEFAULT = new IsolationSettings(List.of(), "corral", false, 4096,
      Resources.builder().cpus(0.1).mem(96).build(), Duration.ofSeconds(1), Duration.ofSeconds(15));

  public IsolationSettings {
    requested = List.copyOf(requested);
    for (String r : requested) {
      if (!KNOWN.contains(r)) {
        throw new IllegalArgumentException("unknown isolator '" + r + "' (known: " + String.join(", ", KNOWN) + ")");
      }
    }
    if (cgroupsRoot.isBlank() || cgroupsRoot.contains("..")) {
      throw new IllegalArgumentException("--cgroups-root must be a cgroup path without '..': '" + cgroupsRoot + "'");
    }
    if (pidsLimit <= 0) {
      throw new IllegalArgumentException("the pids limit must be positive: " + pidsLimit);
    }
  }

  /** Parses {@code --isolation}: comma-separated names; empty or {@code default}: every supported one. */
  public static List<String> parse(String spec) {
    if (spec == null || spec.isBlank() || spec.trim().equals("default")) {
      return List.of();
    }
    return java.util.Arrays.stream(spec.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public IsolationSettings withRequested(List<String> v) {
    return new IsolationSettings(v, cgroupsRoot, enableCfs, pidsLimit, commandExecutorOverhead, watchInterval,
        diskWatchInterval);
  }
}
