package io.corral.agent.exec;

import io.corral.agent.checkpoint.CheckpointedState;
import io.corral.agent.exec.AgentTaskStateMachine.Ended;
import io.corral.agent.exec.AgentTaskStateMachine.Stage;
import io.corral.agent.exec.ExecutorRunStateMachine.FoundDead;
import io.corral.agent.exec.ExecutorRunStateMachine.Recovered;
import io.corral.agent.exec.ExecutorRunStateMachine.State;
import io.corral.agent.isolation.Isolators;
import io.corral.common.task.TaskStates;
import io.corral.protocol.ExecutorCheckpoint;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.TaskCheckpoint;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes back what an earlier run of the agent checkpointed: frameworks, executors whose process
 * still runs (they get the re-registration timeout to re-subscribe, or are killed), tasks with their
 * unacknowledged updates (sent again, in order). The tasks of executors that died while the agent was
 * down fail; so do those whose executor the checkpoint lacks. The cgroups of containers that are gone
 * are removed (off the loop) before the agent registers. Loop-owned.
 */
final class RunRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(RunRecovery.class);

  private final AgentRuns runs;
  private final RunBook book;
  private final TaskReports reports;
  private final ProcessControl processes;
  private final ExecutorIsolation isolation;
  private final Executor workers;
  private final Supplier<String> agentId;
  private final Path workDir;

  RunRecovery(AgentRuns runs, RunBook book, TaskReports reports, ProcessControl processes,
      ExecutorIsolation isolation, Executor workers, Supplier<String> agentId, Path workDir) {
    this.runs = runs;
    this.book = book;
    this.reports = reports;
    this.processes = processes;
    this.isolation = isolation;
    this.workers = workers;
    this.agentId = agentId;
    this.workDir = workDir;
  }

  /** Recovers the state; {@code done} runs on the loop once no executor is left waiting to re-subscribe. */
  void recover(CheckpointedState state, Runnable done) {
    state.frameworks().forEach(f -> runs.putFramework(f.getFramework()));
    Map<ExecutorKey, ExecutorRun> recovered = new LinkedHashMap<>();
    Map<ExecutorRun, Long> dead = new LinkedHashMap<>();
    for (ExecutorCheckpoint e : state.executors()) {
      ExecutorKey key = new ExecutorKey(e.getFrameworkId(), e.getExecutorInfo().getExecutorId());
      ExecutorRun run = new ExecutorRun(key, e.getContainerId(), e.getExecutorInfo(),
          runs.framework(key.frameworkId()), e.getCommandExecutor(), Path.of(e.getSandbox()), State.RECOVERING);
      recovered.put(key, run);
      runs.add(run);
      Optional<ProcessHandle> live = processes.find(e.getPid(), e.getPidStartMillis());
      if (live.isPresent()) {
        run.adopt(live.get());
        isolation.reattach(agentId.get(), run);
      } else {
        dead.put(run, e.getPid());
      }
    }
    List<AgentTask> orphans = new ArrayList<>();
    for (TaskCheckpoint c : state.tasks()) {
      ExecutorKey key = new ExecutorKey(c.getFrameworkId(), c.getExecutorId());
      ExecutorRun run = recovered.get(key);
      boolean runKnown = run != null && run.containerId().equals(c.getContainerId());
      if (!runKnown) {
        // Its executor is gone (the task's terminal update was waiting for acknowledgement).
        run = new ExecutorRun(key, c.getContainerId(), ExecutorInfo.newBuilder().setExecutorId(c.getExecutorId())
            .build(), runs.framework(key.frameworkId()), c.getTaskInfo().hasCommand(),
            Sandboxes.runDir(workDir, key, c.getContainerId()), State.TERMINATED);
      }
      AgentTask t = new AgentTask(c.getFrameworkId(), c.getTaskInfo(), run, stage(c));
      if (c.hasLatest()) {
        t.update(c.getLatest());
      }
      if (c.hasAcknowledged()) {
        t.acknowledged(c.getAcknowledged());
      }
      runs.add(t);
      reports.resend(c.getUnacknowledgedList());
      if (!runKnown) {
        orphans.add(t);
      }
    }
    orphans.forEach(t -> book.apply(t, new Ended(TaskStatusReason.REASON_AGENT_RECOVERY_FAILED,
        "the agent restarted and found no executor for this task")));
    CompletableFuture<Void> orphansCleaned = cleanOrphanCgroups(recovered.values().stream()
        .filter(r -> r.handle() != null && r.cgroups() != null).map(ExecutorRun::containerId)
        .collect(Collectors.toSet()));
    LOG.info("recovered {} framework(s), {} executor(s) ({} still running) and {} task(s) from the checkpoint",
        runs.frameworks().size(), recovered.size(), recovered.size() - dead.size(), runs.tasks().size());
    dead.forEach((run, pid) -> book.apply(run, new FoundDead("executor process " + pid
        + " exited while the agent was down")));
    recovered.values().forEach(run -> book.apply(run, new Recovered()));
    book.awaitRecovery(done, orphansCleaned);
  }

  /** Where a checkpointed task stands: ended, with its executor, or unknown until its executor re-subscribes. */
  static Stage stage(TaskCheckpoint c) {
    TaskState reported = c.hasLatest() ? c.getLatest().getState() : TaskState.TASK_STAGING;
    if (TaskStates.isTerminal(reported)) {
      return Stage.ENDED;
    }
    return reported == TaskState.TASK_STAGING ? Stage.RECOVERED : Stage.LAUNCHED;
  }

  /** Removes this agent's cgroups of containers that are gone (killing what is left in them), off the loop. */
  private CompletableFuture<Void> cleanOrphanCgroups(Set<String> live) {
    String id = agentId.get();
    Isolators isolators = isolation.isolators();
    if (!isolators.cgroups() || id.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(() -> {
      try {
        List<Path> removed = isolators.cleanOrphans(id, live);
        if (!removed.isEmpty()) {
          LOG.info("removed {} cgroup(s) of executors that are gone: {}", removed.size(), removed);
        }
      } catch (java.io.IOException e) {
        LOG.warn("could not clean up orphan cgroups: {}", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, workers);
  }
}
