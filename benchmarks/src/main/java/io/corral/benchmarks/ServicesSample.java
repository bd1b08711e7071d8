package io.corral.benchmarks;

import java.util.List;

/**
 * The processes of {@link ServicesBenchmark} at one moment, read from {@code /proc}: the services
 * process, this JVM (the master and the benchmark's polling), and the agents' process trees (the
 * agents, their command executors and the tasks, with the CPU time of those that ended and were
 * reaped), and how many {@code sleep} tasks run.
 *
 * @param agentTreeCpuNanos CPU time of the agents' trees so far: each live process's own, plus what
 *     its reaped children spent (so an executor that ended still counts, in its agent's)
 * @param agentsCpuNanos the agent processes' own CPU time (their threads), without their children's
 */
record ServicesSample(long nanoTime, ProcStat services, ProcStat benchmark, long agentTreeCpuNanos, long agentsCpuNanos,
    long agentTreeRssBytes, int sleeps, Machine.CpuTimes machine) {
  static final String TASK_COMMAND = "sleep 100000";

  static ServicesSample now(long servicesPid, List<Long> agentPids) {
    long now = System.nanoTime();
    Machine.CpuTimes machine = Machine.CpuTimes.now();
    long cpu = 0;
    long agents = 0;
    long rss = 0;
    int sleeps = 0;
    List<ProcessHandle> tree = agentPids.stream().flatMap(pid -> ProcessHandle.of(pid).stream())
        .flatMap(agent -> java.util.stream.Stream.concat(java.util.stream.Stream.of(agent), agent.descendants()))
        .toList();
    for (ProcessHandle p : tree) {
      var stat = ProcStat.read(p.pid(), false);
      if (stat.isPresent()) {
        cpu += stat.get().cpuNanos() + stat.get().reapedChildrenCpuNanos();
        rss += stat.get().rssBytes();
        agents += agentPids.contains(p.pid()) ? stat.get().cpuNanos() : 0;
      }
      if (ProcStat.commandLine(p.pid()).equals(TASK_COMMAND)) {
        sleeps++;
      }
    }
    return new ServicesSample(now, ProcStat.read(servicesPid, false).orElseThrow(
        () -> new IllegalStateException("the services process is gone")),
        ProcStat.read(ProcessHandle.current().pid(), false).orElseThrow(), cpu, agents, rss, sleeps, machine);
  }
}
