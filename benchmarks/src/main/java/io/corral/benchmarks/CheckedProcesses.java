package io.corral.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of {@link HealthCheckBenchmark} at one moment, read from {@code /proc}: the agents,
 * their command executors (the agents' descendants running {@code CommandExecutorMain}, which run the
 * checks) with their threads, the task servers (the executors' children), how many requests the
 * servers have answered (their stdout's size: one byte per answer), this JVM (the master and the
 * framework) and the machine.
 */
record CheckedProcesses(long nanoTime, Map<Long, ProcStat> agents, Map<Long, ProcStat> executors,
    Map<Long, ProcStat> servers, long answered, ProcStat benchmark, Machine.CpuTimes machine) {
  private static final String EXECUTOR_MAIN = "io.corral.executor.command.CommandExecutorMain";

  static CheckedProcesses sample(List<Long> agentPids) {
    long now = System.nanoTime();
    Machine.CpuTimes machine = Machine.CpuTimes.now();
    Map<Long, ProcStat> agents = read(agentPids, false);
    List<Long> executorPids = executors(agentPids);
    Map<Long, ProcStat> executors = read(executorPids, true);
    List<Long> serverPids = executorPids.stream().flatMap(pid -> ProcessHandle.of(pid).stream())
        .flatMap(ProcessHandle::children).map(ProcessHandle::pid).toList();
    Map<Long, ProcStat> servers = read(serverPids, false);
    long answered = 0;
    for (long pid : serverPids) {
      answered += ProcStat.workingDirectory(pid).map(dir -> size(dir.resolve("stdout"))).orElse(0L);
    }
    ProcStat self = ProcStat.read(ProcessHandle.current().pid(), false).orElseThrow();
    return new CheckedProcesses(now, agents, executors, servers, answered, self, machine);
  }

  /** The command executors the agents run now. */
  static List<Long> executors(List<Long> agentPids) {
    return agentPids.stream().flatMap(pid -> ProcessHandle.of(pid).stream()).flatMap(ProcessHandle::descendants)
        .map(ProcessHandle::pid).filter(pid -> ProcStat.commandLine(pid).contains(EXECUTOR_MAIN)).toList();
  }

  private static Map<Long, ProcStat> read(List<Long> pids, boolean withThreads) {
    Map<Long, ProcStat> out = new HashMap<>();
    for (long pid : pids) {
      ProcStat.read(pid, withThreads).ifPresent(s -> out.put(pid, s));
    }
    return out;
  }

  private static long size(java.nio.file.Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }
}
