package io.corral.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * One run of {@link ServicesBenchmark}: the deployment's and the scale-down's times, and what each
 * process spent in each, from three {@link ServicesSample}s (before the deployment, all running, all
 * gone).
 *
 * @param firstRunning seconds from the POST to the first task running; {@code halfRunning}, {@code
 *     allRunning} likewise to half and all of them
 * @param allGone seconds from the PUT of 0 instances to no task running, none left at the master and
 *     no {@code sleep} process left
 */
record ServicesRun(int run, String loadBefore, int instances, double firstRunning, double halfRunning,
    double allRunning, int sleepsRunning, double allGone, double servicesDeploySeconds, double servicesScaleSeconds,
    long servicesRssBytes, double benchmarkDeploySeconds, double benchmarkScaleSeconds, double agentsDeploySeconds,
    double agentsScaleSeconds, double agentsOwnDeploySeconds, double agentsOwnScaleSeconds, long agentTreeRssBytes, String machineDeploy, String machineScale) {

  static ServicesRun of(int run, String loadBefore, int instances, double first, double half, double all,
      double gone, ServicesSample before, ServicesSample running, ServicesSample after) {
    return new ServicesRun(run, loadBefore, instances, first, half, all, running.sleeps(), gone,
        seconds(running.services().cpuNanos() - before.services().cpuNanos()),
        seconds(after.services().cpuNanos() - running.services().cpuNanos()), running.services().rssBytes(),
        seconds(running.benchmark().cpuNanos() - before.benchmark().cpuNanos()),
        seconds(after.benchmark().cpuNanos() - running.benchmark().cpuNanos()),
        seconds(running.agentTreeCpuNanos() - before.agentTreeCpuNanos()),
        seconds(after.agentTreeCpuNanos() - running.agentTreeCpuNanos()),
        seconds(running.agentsCpuNanos() - before.agentsCpuNanos()),
        seconds(after.agentsCpuNanos() - running.agentsCpuNanos()), running.agentTreeRssBytes(),
        running.machine().since(before.machine()), after.machine().since(running.machine()));
  }

  List<String> details() {
    return List.of(
        String.format("deploy: first running %.2f s, half %.2f s, all %d running %.2f s (%d sleep processes);"
            + " CPU s: services %.1f, master+benchmark %.1f, agents+executors+tasks %.1f (the agents themselves %.1f);"
            + " machine %s", firstRunning, halfRunning, instances, allRunning, sleepsRunning, servicesDeploySeconds,
            benchmarkDeploySeconds, agentsDeploySeconds, agentsOwnDeploySeconds, machineDeploy),
        String.format("scale to 0: all gone %.2f s; CPU s: services %.1f, master+benchmark %.1f,"
            + " agents+executors+tasks %.1f (the agents themselves %.1f); machine %s", allGone, servicesScaleSeconds,
            benchmarkScaleSeconds, agentsScaleSeconds, agentsOwnScaleSeconds, machineScale),
        String.format("RSS with all running: services %d MiB, agents' trees %d MiB", servicesRssBytes >> 20,
            agentTreeRssBytes >> 20));
  }

  static List<String> table(List<ServicesRun> runs) {
    List<String> out = new ArrayList<>();
    out.add("| run | load before | instances | first running s | 50% s | 100% s | scale to 0 s"
        + " | services CPU s (deploy / scale) | services RSS MiB | master+bench CPU s | agents+executors CPU s |");
    out.add("|---|---|---|---|---|---|---|---|---|---|---|");
    for (ServicesRun r : runs) {
      out.add(String.format("| %d | %s | %d | %.2f | %.2f | %.2f | %.2f | %.1f / %.1f | %d | %.1f / %.1f | %.1f / %.1f |",
          r.run, r.loadBefore, r.instances, r.firstRunning, r.halfRunning, r.allRunning, r.allGone,
          r.servicesDeploySeconds, r.servicesScaleSeconds, r.servicesRssBytes >> 20, r.benchmarkDeploySeconds,
          r.benchmarkScaleSeconds, r.agentsDeploySeconds, r.agentsScaleSeconds));
    }
    return out;
  }

  static List<String> verdict(List<ServicesRun> runs, double goalSeconds) {
    double worstDeploy = runs.stream().mapToDouble(ServicesRun::allRunning).max().orElse(Double.NaN);
    double worstScale = runs.stream().mapToDouble(ServicesRun::allGone).max().orElse(Double.NaN);
    int instances = runs.isEmpty() ? 0 : runs.get(0).instances;
    boolean met = worstDeploy <= goalSeconds && worstScale <= goalSeconds;
    return List.of(String.format("goal: %d instances all running, and all gone again, within %.0f s each: %s"
        + " (slowest deploy %.2f s, slowest scale to 0 %.2f s)%s", instances, goalSeconds, met ? "MET" : "MISSED",
        worstDeploy, worstScale, instances == 1000 ? "" : " (the goal is stated for 1,000)"));
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
