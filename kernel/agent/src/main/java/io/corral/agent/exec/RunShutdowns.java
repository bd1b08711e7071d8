package io.corral.agent.exec;

import io.corral.agent.exec.AgentTaskStateMachine.StopWithRun;
import io.corral.agent.exec.ExecutorRunStateMachine.Abandoned;
import io.corral.agent.exec.ExecutorRunStateMachine.Exited;
import io.corral.agent.exec.ExecutorRunStateMachine.Stop;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskStatusReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs stopped as a whole: a framework's when the master removes it, every run when the agent shuts
 * down (its tasks killed with it), every run abandoned without a word when the master removed the
 * agent, and the settling of an agent that stopped. Loop-owned.
 */
final class RunShutdowns {
  private static final Logger LOG = LoggerFactory.getLogger(RunShutdowns.class);

  private final AgentRuns runs;
  private final RunBook book;
  private final TaskReports reports;
  private final RunCheckpoints checkpoints;
  private final ProcessControl processes;
  private final ExecutorIsolation isolation;
  private final Executor workers;
  private final Supplier<String> agentId;
  private final Duration shutdownGrace;

  RunShutdowns(AgentRuns runs, RunBook book, TaskReports reports, RunCheckpoints checkpoints,
      ProcessControl processes, ExecutorIsolation isolation, Executor workers, Supplier<String> agentId,
      Duration shutdownGrace) {
    this.runs = runs;
    this.book = book;
    this.reports = reports;
    this.checkpoints = checkpoints;
    this.processes = processes;
    this.isolation = isolation;
    this.workers = workers;
    this.agentId = agentId;
    this.shutdownGrace = shutdownGrace;
  }

  /** The master removed the framework: its executors are stopped with their tasks, and it is forgotten. */
  void shutdownFramework(String frameworkId) {
    LOG.info("shutting down framework {}", frameworkId);
    for (ExecutorRun run : runs.runList()) {
      if (run.key().frameworkId().equals(frameworkId)) {
        stop(run, new Stop(TaskStatusReason.REASON_FRAMEWORK_REMOVED, "framework " + frameworkId + " was removed",
            shutdownGrace));
      }
    }
    reports.dropFramework(frameworkId);
    runs.dropTasksOf(frameworkId).forEach(checkpoints::forgetTask);
    runs.removeFramework(frameworkId);
    checkpoints.forgetFramework(frameworkId);
  }

  /** The framework's info changed (it failed over): runs launched from now on carry the new one. */
  void updateFramework(FrameworkInfo framework) {
    if (runs.hasFramework(framework.getId())) {
      runs.putFramework(framework);
      checkpoints.framework(framework);
    }
  }

  /** Stops every executor with its tasks; completes when their processes are gone. */
  CompletableFuture<Void> shutdownAll(Duration grace) {
    List<CompletableFuture<?>> exits = new ArrayList<>();
    for (ExecutorRun run : runs.runList()) {
      if (run.handle() != null) {
        exits.add(processes.onExit(run));
      }
      stop(run, new Stop(TaskStatusReason.REASON_AGENT_SHUTDOWN, "agent shutting down", grace));
    }
    return CompletableFuture.allOf(exits.toArray(new CompletableFuture<?>[0]));
  }

  private void stop(ExecutorRun run, Stop stop) {
    for (AgentTask t : List.copyOf(run.tasks().values())) {
      book.apply(t, new StopWithRun());
    }
    book.apply(run, stop);
  }

  /**
   * Kills every executor and task at once and forgets them without reporting anything (the
   * master removed this agent and reported its tasks gone).
   */
  void abandonAll() {
    for (ExecutorRun run : runs.runList()) {
      book.apply(run, new Abandoned());
    }
    runs.clear();
    book.cancelRecovery();
  }

  /**
   * After {@link #shutdownAll}: settles the runs whose processes are gone (their exit callbacks may
   * not have run yet), and completes once their cgroups are removed, with the agent's own cgroup
   * directory when nothing is left in it.
   */
  CompletableFuture<Void> settleStopped() {
    for (ExecutorRun run : runs.runList()) {
      if (run.handle() != null && !run.handle().isAlive()) {
        book.apply(run, new Exited());
      }
    }
    String id = agentId.get();
    boolean nothingLeft = runs.runs().isEmpty();
    return isolation.removals().thenRunAsync(() -> {
      if (!id.isEmpty() && nothingLeft) {
        isolation.isolators().removeAgentCgroups(id);
      }
    }, workers);
  }
}
