package io.corral.agent.exec;

import io.corral.agent.exec.AgentTaskStateMachine.LimitBroken;
import io.corral.agent.exec.ExecutorRunStateMachine.Stop;
import io.corral.agent.isolation.ContainerLimits;
import io.corral.agent.isolation.Isolators;
import io.corral.agent.isolation.ProcTable;
import io.corral.agent.isolation.ProcessTreeUsage;
import io.corral.agent.isolation.SandboxUsage;
import io.corral.common.loop.EventLoop;
import io.corral.common.task.PathNames;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * It measures the runs whose process is up and not being stopped, and tells {@link RunBook} what it
 * saw ({@link LimitBroken} for a task, a {@link Stop} for an executor): the tables decide whether it
 * still matters. Decides on the agent's loop; scans on a worker, one scan of each kind at a time.
 * Loop-owned.
 */
final class LimitWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(LimitWatcher.class);

  private final ExecutorIsolation isolation;
  private final Executor workers;
  private final EventLoop loop;
  private final Clock clock;
  private final Supplier<Collection<ExecutorRun>> runs;
  private final RunBook book;
  private boolean scanningProcesses;
  private boolean scanningDisks;
  private Instant nextDiskScan = Instant.MIN;

  LimitWatcher(ExecutorIsolation isolation, EventLoop loop, Clock clock, Executor workers,
      Supplier<Collection<ExecutorRun>> runs, RunBook book) {
    this.isolation = isolation;
    this.loop = loop;
    this.clock = clock;
    this.workers = workers;
    this.runs = runs;
    this.book = book;
  }

  /** Starts watching, on the loop's timer. */
  void start() {
    loop.scheduleWithFixedDelay(isolation.isolators().settings().watchInterval(), this::tick);
  }

  void tick() {
    List<Probe> probes = new ArrayList<>();
    for (ExecutorRun run : new ArrayList<>(runs.get())) {
      if (ExecutorRunStateMachine.watched(run.state())) {
        checkOom(run);
        probes.add(probe(run));
      }
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
    Instant now = clock.instant();
    if (!scanningDisks && iso.has(Isolators.DISK_DU) && !now.isBefore(nextDiskScan)) {
      scanningDisks = true;
      nextDiskScan = now.plus(iso.settings().diskWatchInterval());
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
      for (AgentTask t : run.liveTasks()) {
        Limitation l = isolation.taskOom(t);
        if (l != null) {
          limitTask(t, l);
        }
      }
    } else {
      Limitation l = isolation.executorOom(run);
      if (l != null) {
        limitRun(run, l);
      }
    }
  }

  /** What to measure of a run, taken on the loop (the scan then touches none of its mutable state). */
  private record Probe(ExecutorRun run, ProcessHandle handle, boolean command, Path sandbox, ContainerLimits limits,
      Map<String, ContainerLimits> taskLimits) {}

  private Probe probe(ExecutorRun run) {
    Map<String, ContainerLimits> tasks = new HashMap<>();
    if (run.isCommandExecutor()) {
      for (AgentTask t : run.liveTasks()) {
        tasks.put(t.info().getTaskId(), isolation.taskLimits(t.info()));
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
    if (!isolation.isolators().has(Isolators.POSIX_MEM)) {
      return;
    }
    if (s.probe().command()) {
      s.tasks().forEach((id, u) -> {
        AgentTask t = run.tasks().get(id);
        ContainerLimits limit = s.probe().taskLimits().get(id);
        if (t != null && limit != null && limit.memBytes() > 0 && u.rssBytes() > limit.memBytes()) {
          limitTask(t, Limitation.memory("task " + id, limit.memBytes(), u.rssBytes()));
        }
      });
    } else if (s.whole() != null && s.probe().limits().memBytes() > 0
        && s.whole().rssBytes() > s.probe().limits().memBytes()) {
      limitRun(run, Limitation.memory("executor " + run.key().executorId(), s.probe().limits().memBytes(),
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
    if (s.probe().command()) {
      s.tasks().forEach((id, used) -> {
        AgentTask t = run.tasks().get(id);
        ContainerLimits limit = s.probe().taskLimits().get(id);
        if (t != null && limit.diskBytes() > 0 && used > limit.diskBytes()) {
          limitTask(t, Limitation.disk("task " + id, limit.diskBytes(), used));
        }
      });
    } else if (s.probe().limits().diskBytes() > 0 && s.total() > s.probe().limits().diskBytes()) {
      limitRun(run, Limitation.disk("executor " + run.key().executorId(), s.probe().limits().diskBytes(),
          s.total()));
    }
  }

  /** A task broke a limit: killed at once, and failed with the limit's reason when its end is reported. */
  private void limitTask(AgentTask t, Limitation l) {
    if (book.apply(t, new LimitBroken(l)).accepted()) {
      LOG.warn("task {} broke a limit: {}", t.key(), l.message());
    }
  }

  /** An executor broke a limit: it is killed with its tasks, which fail with the limit's reason. */
  private void limitRun(ExecutorRun run, Limitation l) {
    if (book.apply(run, new Stop(l.reason(), l.message(), Duration.ZERO)).accepted()) {
      LOG.warn("executor {} (container {}) broke a limit: {}", run.key(), run.containerId(), l.message());
    }
  }
}
