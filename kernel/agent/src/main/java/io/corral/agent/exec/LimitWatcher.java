package io.corral.agent.exec;

import io.corral.agent.isolation.ContainerLimits;
import io.corral.agent.isolation.Isolators;
import io.corral.agent.isolation.ProcTable;
import io.corral.agent.isolation.ProcessTreeUsage;
import io.corral.agent.isolation.SandboxUsage;
import io.corral.common.task.PathNames;
import io.corral.common.task.TaskStates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Watches the limits the kernel does not enforce by itself, once per watch interval:
 * <ul>
 *   <li>cgroups: a task or custom executor the OOM killer struck is killed whole (the kernel killed
 *       one process; the rest of it would go on without) and fails with {@code memory limit};
 *   <li>{@code posix/mem} (no memory cgroup): each command task's, or custom executor's, process tree's
 *       RSS against its memory, from one scan of {@code /proc} per interval (also what the
 *       agent's API shows as their usage);
 *   <li>{@code disk/du}: each sandbox's bytes against its {@code disk}, every disk watch interval.
 * </ul>
 * Decides on the agent's loop; scans on a worker, one scan of each kind at a time. Loop-owned.
 */
final class LimitWatcher {
  private final ExecutorIsolation isolation;
  private final ExecutorService workers;
  private final io.corral.common.loop.EventLoop loop;
  private final Supplier<Collection<ExecutorRun>> runs;
  private final BiConsumer<AgentTask, Limitation> limitTask;
  private final BiConsumer<ExecutorRun, Limitation> limitRun;
  private boolean scanningProcesses;
  private boolean scanningDisks;
  private long nextDiskScanNanos = System.nanoTime();

  LimitWatcher(ExecutorIsolation isolation, io.corral.common.loop.EventLoop loop, ExecutorService workers,
      Supplier<Collection<ExecutorRun>> runs, BiConsumer<AgentTask, Limitation> limitTask,
      BiConsumer<ExecutorRun, Limitation> limitRun) {
    this.isolation = isolation;
    this.loop = loop;
    this.workers = workers;
    this.runs = runs;
    this.limitTask = limitTask;
    this.limitRun = limitRun;
  }

  void start() {
    loop.scheduleWithFixedDelay(isolation.isolators().settings().watchInterval(), this::tick);
  }

  void tick() {
    List<Probe> probes = new ArrayList<>();
    for (ExecutorRun run : new ArrayList<>(runs.get())) {
      if (run.state() == ExecutorRun.State.TERMINATED || run.state() == ExecutorRun.State.TERMINATING
          || run.handle() == null) {
        continue;
      }
      checkOom(run);
      probes.add(probe(run));
    }
    Isolators iso = isolation.isolators();
    boolean cgroupsMeasure = iso.has(Isolators.CGROUPS_CPU) && iso.has(Isolators.CGROUPS_MEM);
    if (!scanningProcesses && (!cgroupsMeasure || iso.has(Isolators.POSIX_MEM))) {
      scanningProcesses = true;
      CompletableFuture.supplyAsync(() -> {
        ProcTable table = ProcTable.read(); // one read of the process table for every executor
        return probes.stream().map(p -> scanProcesses(table, p)).toList();
      }, workers)
          .whenComplete((results, error) -> loop.execute(() -> {
            scanningProcesses = false;
            if (results != null) {
              results.forEach(this::applyProcesses);
            }
          }));
    }
    if (!scanningDisks && iso.has(Isolators.DISK_DU) && System.nanoTime() - nextDiskScanNanos >= 0) {
      scanningDisks = true;
      nextDiskScanNanos = System.nanoTime() + iso.settings().diskWatchInterval().toNanos();
      CompletableFuture.supplyAsync(() -> probes.stream().map(LimitWatcher::scanDisk).toList(), workers)
          .whenComplete((results, error) -> loop.execute(() -> {
            scanningDisks = false;
            if (results != null) {
              results.forEach(this::applyDisk);
            }
          }));
    }
  }

  private void checkOom(ExecutorRun run) {
    if (run.cgroups() == null) {
      return;
    }
    if (run.cgroups().nested()) {
      for (AgentTask t : new ArrayList<>(run.tasks().values())) {
        if (!TaskStates.isTerminal(t.state()) && t.limitation() == null && !t.fetching()) {
          Limitation l = isolation.taskOom(t);
          if (l != null) {
            limitTask.accept(t, l);
          }
        }
      }
    } else {
      Limitation l = isolation.executorOom(run);
      if (l != null) {
        limitRun.accept(run, l);
      }
    }
  }

  /** What to measure of a run, taken on the loop (the scan then touches none of its mutable state). */
  private record Probe(ExecutorRun run, ProcessHandle handle, boolean command, Path sandbox, ContainerLimits limits,
      Map<String, ContainerLimits> taskLimits) {}

  private Probe probe(ExecutorRun run) {
    Map<String, ContainerLimits> tasks = new HashMap<>();
    if (run.isCommandExecutor()) {
      for (AgentTask t : run.tasks().values()) {
        if (!TaskStates.isTerminal(t.state())) {
          tasks.put(t.info().getTaskId(), isolation.taskLimits(t.info()));
        }
      }
    }
    return new Probe(run, run.handle(), run.isCommandExecutor(), run.sandbox(), isolation.containerLimits(run),
        Map.copyOf(tasks));
  }

  private record ProcessScan(Probe probe, ProcessTreeUsage whole, Map<String, ProcessTreeUsage> tasks) {}

  private static ProcessScan scanProcesses(ProcTable table, Probe p) {
    Map<String, ProcessTreeUsage> tasks = new HashMap<>();
    if (p.command()) {
      ProcessTreeUsage.tasksBelow(table, p.handle().pid()).forEach((id, pid) -> {
        ProcessTreeUsage u = table.usageOf(pid);
        if (u != null) {
          tasks.put(id, u);
        }
      });
    }
    return new ProcessScan(p, table.usageOf(p.handle().pid()), tasks);
  }

  private void applyProcesses(ProcessScan s) {
    ExecutorRun run = s.probe().run();
    run.setProcessUsage(s.whole());
    if (!isolation.isolators().has(Isolators.POSIX_MEM) || run.state() != ExecutorRun.State.RUNNING) {
      return;
    }
    if (s.probe().command()) {
      s.tasks().forEach((id, u) -> {
        AgentTask t = run.tasks().get(id);
        ContainerLimits limit = s.probe().taskLimits().get(id);
        if (t != null && limit != null && limit.memBytes() > 0 && u.rssBytes() > limit.memBytes()
            && t.limitation() == null && !TaskStates.isTerminal(t.state())) {
          limitTask.accept(t, Limitation.memory("task " + id, limit.memBytes(), u.rssBytes()));
        }
      });
    } else if (s.whole() != null && s.probe().limits().memBytes() > 0
        && s.whole().rssBytes() > s.probe().limits().memBytes()) {
      limitRun.accept(run, Limitation.memory("executor " + run.key().executorId(), s.probe().limits().memBytes(),
          s.whole().rssBytes()));
    }
  }

  private record DiskScan(Probe probe, long total, Map<String, Long> tasks) {}

  private static DiskScan scanDisk(Probe p) {
    Map<String, Long> tasks = new HashMap<>();
    for (String id : p.taskLimits().keySet()) {
      tasks.put(id, SandboxUsage.bytes(PathNames.taskSandbox(p.sandbox(), id)));
    }
    return new DiskScan(p, SandboxUsage.bytes(p.sandbox()), tasks);
  }

  private void applyDisk(DiskScan s) {
    ExecutorRun run = s.probe().run();
    run.setDiskUsedBytes(s.total());
    if (run.state() != ExecutorRun.State.RUNNING) {
      return;
    }
    if (s.probe().command()) {
      s.tasks().forEach((id, used) -> {
        AgentTask t = run.tasks().get(id);
        ContainerLimits limit = s.probe().taskLimits().get(id);
        if (t != null && limit.diskBytes() > 0 && used > limit.diskBytes() && t.limitation() == null
            && !TaskStates.isTerminal(t.state())) {
          limitTask.accept(t, Limitation.disk("task " + id, limit.diskBytes(), used));
        }
      });
    } else if (s.probe().limits().diskBytes() > 0 && s.total() > s.probe().limits().diskBytes()) {
      limitRun.accept(run, Limitation.disk("executor " + run.key().executorId(), s.probe().limits().diskBytes(),
          s.total()));
    }
  }
}
