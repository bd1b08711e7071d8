package io.corral.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run of {@link HealthCheckBenchmark}: what each kind of process spent over the window, from
 * two {@link CheckedProcesses} samples (only processes present in both count).
 *
 * @param executorSeconds CPU seconds of the command executors themselves (their threads)
 * @param executorReapedSeconds CPU seconds of the executors' children that ended in the window (a
 *     check's process; not the servers, which run on)
 * @param executorRssBytes the executors' resident sets at the end, summed
 * @param executorThreads cores per thread group of the executors
 * @param serverRssBytes a task server's resident set at the end, on average
 */
record HealthCheckRun(int run, boolean checked, String loadBefore, int tasks, double windowSeconds,
    double executorSeconds, double executorReapedSeconds, int executorCount, long executorRssBytes,
    int executorThreadCount,
    Map<String, Double> executorThreads, double agentSeconds, double serverSeconds, long serverRssBytes,
    long answered, double benchmarkSeconds, String machine, int becameUnhealthy, String ends) {

  static HealthCheckRun of(int run, boolean checked, String loadBefore, CheckedProcesses before,
      CheckedProcesses after, int tasks, int becameUnhealthy, String ends) {
    double window = (after.nanoTime() - before.nanoTime()) / 1e9;
    Map<String, Double> threads = new HashMap<>();
    for (Map.Entry<Long, ProcStat> e : after.executors().entrySet()) {
      ProcStat b = before.executors().get(e.getKey());
      if (b != null) {
        e.getValue().threads().forEach((name, cpu) ->
            threads.merge(name, (cpu - b.threads().getOrDefault(name, 0L)) / 1e9 / window, Double::sum));
      }
    }
    long executorRss = after.executors().values().stream().mapToLong(ProcStat::rssBytes).sum();
    int threadCount = after.executors().values().stream().mapToInt(s -> s.threads().size()).sum();
    long serverRss = after.servers().isEmpty() ? 0
        : after.servers().values().stream().mapToLong(ProcStat::rssBytes).sum() / after.servers().size();
    return new HealthCheckRun(run, checked, loadBefore, tasks, window,
        delta(before.executors(), after.executors(), false), delta(before.executors(), after.executors(), true),
        after.executors().size(), executorRss, threadCount, threads, delta(before.agents(), after.agents(), false),
        delta(before.servers(), after.servers(), false), serverRss, after.answered() - before.answered(),
        (after.benchmark().cpuNanos() - before.benchmark().cpuNanos()) / 1e9, after.machine().since(before.machine()),
        becameUnhealthy, ends);
  }

  /** CPU seconds over the window of the processes in both samples (their reaped children's, if asked). */
  private static double delta(Map<Long, ProcStat> before, Map<Long, ProcStat> after, boolean reapedChildren) {
    long nanos = 0;
    for (Map.Entry<Long, ProcStat> e : after.entrySet()) {
      ProcStat b = before.get(e.getKey());
      if (b != null) {
        nanos += reapedChildren ? e.getValue().reapedChildrenCpuNanos() - b.reapedChildrenCpuNanos()
            : e.getValue().cpuNanos() - b.cpuNanos();
      }
    }
    return nanos / 1e9;
  }

  /** The executors' cores (their own and their probes'), per 100 tasks. */
  double executorCoresPer100() {
    return (executorSeconds + executorReapedSeconds) / windowSeconds / (tasks / 100.0);
  }

  double checksPerSecond() {
    return answered / windowSeconds;
  }

  /** The run's lines as it ends. */
  List<String> details() {
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "window %.1f s; machine: %s", windowSeconds, machine));
    out.add(String.format(Locale.ROOT, "requests answered by the servers: %,d (%.1f/s, %.2f per task per second)",
        answered, checksPerSecond(), checksPerSecond() / tasks));
    out.add(String.format(Locale.ROOT, "command executor(s): %.3f cores (+ %.3f of ended child processes) = %.4f"
        + " cores per 100 tasks; %d executor(s): RSS %.0f MiB, %d threads in all", executorSeconds / windowSeconds,
        executorReapedSeconds / windowSeconds, executorCoresPer100(), executorCount, executorRssBytes / 1048576.0,
        executorThreadCount));
    StringBuilder busiest = new StringBuilder("  executor threads (cores):");
    executorThreads.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
        .limit(8).forEach(e -> busiest.append(String.format(Locale.ROOT, " %s %.4f;", e.getKey(), e.getValue())));
    out.add(busiest.toString());
    out.add(String.format(Locale.ROOT, "agent(s): %.4f cores; task servers: %.4f cores in all, RSS %.1f MiB each;"
        + " this JVM (master, framework): %.4f cores", agentSeconds / windowSeconds, serverSeconds / windowSeconds,
        serverRssBytes / 1048576.0, benchmarkSeconds / windowSeconds));
    if (becameUnhealthy > 0 || !ends.isEmpty()) {
      out.add("during the window: " + becameUnhealthy + " health update(s) saying unhealthy" + (ends.isEmpty() ? ""
          : "; " + ends));
    }
    return out;
  }

  /** One row per run. */
  static List<String> table(List<HealthCheckRun> runs) {
    List<String> out = new ArrayList<>();
    out.add("| run | checks | load before | checks/s | executor cores | per 100 tasks | executor CPU per check |"
        + " executors' RSS | agent cores | servers' cores |");
    out.add("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (HealthCheckRun r : runs) {
      double executorCores = (r.executorSeconds + r.executorReapedSeconds) / r.windowSeconds;
      out.add(String.format(Locale.ROOT, "| %d | %s | %s | %.1f | %.3f | %.4f | %s | %.0f MiB | %.4f | %.4f |", r.run,
          r.checked ? "on" : "off", r.loadBefore, r.checksPerSecond(), executorCores, r.executorCoresPer100(),
          r.answered == 0 ? "—" : String.format(Locale.ROOT, "%.3f ms",
              (r.executorSeconds + r.executorReapedSeconds) * 1000 / r.answered),
          r.executorRssBytes / 1048576.0, r.agentSeconds / r.windowSeconds, r.serverSeconds / r.windowSeconds));
    }
    return out;
  }

  /** The means with and without checks, their difference, and whether it meets the goal. */
  static List<String> verdict(List<HealthCheckRun> runs, int tasks, double goal) {
    double on = mean(runs, true);
    double off = mean(runs, false);
    double cost = on - off;
    return List.of(
        String.format(Locale.ROOT, "command executor, cores per 100 tasks (mean): checks on %.4f, off %.4f;"
            + " the checks cost %.4f cores per 100 checked tasks (%.3f cores for %d)", on, off, cost,
            cost * tasks / 100, tasks),
        String.format(Locale.ROOT, "goal < %.2f cores per 100 checked tasks: %s", goal,
            cost < goal ? "met" : "MISSED"));
  }

  private static double mean(List<HealthCheckRun> runs, boolean checked) {
    return runs.stream().filter(r -> r.checked == checked).mapToDouble(HealthCheckRun::executorCoresPer100)
        .average().orElse(Double.NaN);
  }
}
