package io.corral.agent.exec;

import io.corral.agent.exec.AgentTaskStateMachine.Delivered;
import io.corral.agent.exec.AgentTaskStateMachine.Ended;
import io.corral.agent.exec.AgentTaskStateMachine.Reported;
import io.corral.agent.exec.AgentTaskStateMachine.Resubscribed;
import io.corral.agent.exec.ExecutorRunStateMachine.Effect;
import io.corral.agent.exec.ExecutorRunStateMachine.Event;
import io.corral.agent.exec.ExecutorRunStateMachine.Exited;
import io.corral.agent.exec.ExecutorRunStateMachine.RecoveryTimedOut;
import io.corral.agent.exec.ExecutorRunStateMachine.RegistrationTimedOut;
import io.corral.agent.exec.ExecutorRunStateMachine.State;
import io.corral.agent.exec.ExecutorRunStateMachine.Stop;
import io.corral.agent.exec.ExecutorRunStateMachine.Transition;
import io.corral.common.loop.EventLoop;
import io.corral.common.task.StatusUuids;
import io.corral.protocol.AgentCall;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies run and task events: the state machines ({@link ExecutorRunStateMachine},
 * {@link AgentTaskStateMachine}) decide, this class moves the run or task and carries out the side
 * effects returned, in order. Every effect is a step on its own: a message to the executor, a timer, a
 * kill, a checkpoint, an update on its way; none calls back into the part that applied the event.
 * Loop-owned.
 */
final class RunBook {
  private static final Logger LOG = LoggerFactory.getLogger(RunBook.class);
  private static final int STDERR_TAIL_BYTES = 1024;

  /**
   * @param registration how long a started executor has to subscribe
   * @param reregistration how long a recovered executor has to re-subscribe
   * @param shutdownGrace how long an executor asked to shut down has before it is killed
   * @param idle how long the command executor stays with nothing to do
   */
  record Timeouts(Duration registration, Duration reregistration, Duration shutdownGrace, Duration idle) {}

  private final AgentRuns runs;
  private final EventLoop loop;
  private final Timeouts timeouts;
  private final ProcessControl processes;
  private final ProcessLaunch launch;
  private final ExecutorIsolation isolation;
  private final ExecutorMessages messages;
  private final TaskReports reports;
  private final RunCheckpoints checkpoints;
  private final Consumer<AgentCall> toMaster;
  private final IdleRuns idle;
  /** Runs once no recovered run is left waiting for its executor (null: no recovery under way). */
  private Runnable onRecovered;
  /** What must be done before {@link #onRecovered} runs (the removal of orphan cgroups). */
  private CompletableFuture<Void> beforeRecovered = CompletableFuture.completedFuture(null);

  RunBook(AgentRuns runs, EventLoop loop, Timeouts timeouts, ProcessControl processes, ProcessLaunch launch,
      ExecutorIsolation isolation, ExecutorMessages messages, TaskReports reports, RunCheckpoints checkpoints,
      Consumer<AgentCall> toMaster) {
    this.runs = runs;
    this.loop = loop;
    this.timeouts = timeouts;
    this.processes = processes;
    this.launch = launch;
    this.isolation = isolation;
    this.messages = messages;
    this.reports = reports;
    this.checkpoints = checkpoints;
    this.toMaster = toMaster;
    this.idle = new IdleRuns(loop::schedule, timeouts.idle(), timeouts.shutdownGrace(),
        (run, stop) -> apply(run, new Stop(TaskStatusReason.REASON_EXECUTOR_TERMINATED, stop.why(), stop.grace())));
  }

  // ---- runs --------------------------------------------------------------------------------------

  /** Applies the event to the run; returns the transition (refused: nothing changed, nothing was done). */
  Transition apply(ExecutorRun run, Event event) {
    Transition t = ExecutorRunStateMachine.apply(run.state(), event);
    if (t.accepted()) {
      run.setState(t.state());
      t.effects().forEach(e -> carryOut(run, e));
    }
    return t;
  }

  private void carryOut(ExecutorRun run, Effect effect) {
    if (effect instanceof ExecutorRunStateMachine.StartProcess) {
      launch.start(run, next -> apply(run, next));
    } else if (effect instanceof ExecutorRunStateMachine.WatchExit) {
      processes.onExit(run).whenComplete((v, e) -> loop.execute(() -> apply(run, new Exited())));
    } else if (effect instanceof ExecutorRunStateMachine.StartRegistrationTimer) {
      Duration d = timeouts.registration();
      run.addTimer(loop.schedule(d, () -> {
        if (apply(run, new RegistrationTimedOut("executor did not register within " + d)).accepted()) {
          LOG.warn("executor {} did not register within {}; killed it", run.key(), d);
        }
      }));
    } else if (effect instanceof ExecutorRunStateMachine.StartRecoveryTimer) {
      Duration d = timeouts.reregistration();
      run.addTimer(loop.schedule(d, () -> {
        if (apply(run, new RecoveryTimedOut("executor did not reconnect within " + d
            + " after the agent restarted")).accepted()) {
          LOG.warn("recovered executor {} did not reconnect within {}; killed it", run.key(), d);
        }
      }));
    } else if (effect instanceof ExecutorRunStateMachine.CancelTimers) {
      run.cancelTimers();
    } else if (effect instanceof ExecutorRunStateMachine.RecordStop r) {
      run.stopBecause(r.reason(), r.message());
    } else if (effect instanceof ExecutorRunStateMachine.StopProcess s) {
      stopProcess(run, s.grace());
    } else if (effect instanceof ExecutorRunStateMachine.KillProcess) {
      processes.kill(run.handle(), Duration.ZERO);
    } else if (effect instanceof ExecutorRunStateMachine.Checkpoint) {
      checkpoints.executor(run);
    } else if (effect instanceof ExecutorRunStateMachine.RequeueUnlisted r) {
      for (AgentTask t : List.copyOf(run.tasks().values())) {
        apply(t, new Resubscribed(r.listedTasks().contains(t.info().getTaskId())));
      }
    } else if (effect instanceof ExecutorRunStateMachine.Greet) {
      messages.subscribed(run);
    } else if (effect instanceof ExecutorRunStateMachine.ReplayUpdates r) {
      r.updates().forEach(s -> executorUpdate(run, s));
    } else if (effect instanceof ExecutorRunStateMachine.DeliverQueued) {
      deliverQueued(run);
    } else if (effect instanceof ExecutorRunStateMachine.ResendKills) {
      resendKills(run);
    } else if (effect instanceof ExecutorRunStateMachine.SendShutdown) {
      messages.shutdown(run, timeouts.shutdownGrace());
    } else if (effect instanceof ExecutorRunStateMachine.RecoveryProgress) {
      checkRecoveryDone();
    } else if (effect instanceof ExecutorRunStateMachine.CheckIdle) {
      idle.check(run);
    } else if (effect instanceof ExecutorRunStateMachine.End e) {
      end(run, e.masterMessage());
    } else if (effect instanceof ExecutorRunStateMachine.Abandon) {
      abandon(run);
    } else {
      throw new IllegalArgumentException("unknown effect " + effect);
    }
  }

  /** Asks a connected executor to shut down within the grace and kills it after; kills one that cannot hear. */
  private void stopProcess(ExecutorRun run, Duration grace) {
    ProcessHandle process = run.handle();
    if (run.isConnected() && !grace.isZero()) {
      messages.shutdown(run, grace);
      run.addTimer(loop.schedule(grace, () -> processes.kill(process, Duration.ZERO)));
    } else {
      processes.kill(process, grace);
    }
  }

  /** Sends the run's queued tasks to its executor, in one message, if it is there to take them. */
  void deliverQueued(ExecutorRun run) {
    if (!ExecutorRunStateMachine.deliversTasks(run.state()) || !run.isConnected()) {
      return; // they go when it subscribes
    }
    List<AgentTask> sent = new ArrayList<>();
    for (AgentTask t : run.queued()) {
      if (apply(t, new Delivered()).accepted()) {
        sent.add(t);
      }
    }
    messages.launch(run, sent);
  }

  private void resendKills(ExecutorRun run) {
    for (AgentTask t : run.tasks().values()) {
      switch (t.stage()) {
        case KILLING -> messages.kill(run, t.info().getTaskId(), t.info().getKillPolicy());
        case LIMITED -> messages.kill(run, t.info().getTaskId(), AgentTaskStateMachine.KILL_AT_ONCE);
        default -> { }
      }
    }
  }

  /** The run is over (see {@link ExecutorRunStateMachine.End}). */
  private void end(ExecutorRun run, String masterMessage) {
    Integer code = run.exitCode();
    boolean started = run.handle() != null;
    Limitation oom = isolation.executorOom(run);
    if (oom != null) {
      run.stopBecause(oom.reason(), oom.message());
    }
    run.cancelTimers();
    runs.unbind(run);
    runs.remove(run);
    if (started) {
      // Whatever the container left behind (tasks of an executor that crashed, daemons that
      // escaped their session) carries the container id in its environment.
      processes.killContainer(run.containerId());
    }
    isolation.runEnded(run);
    String why = run.stopMessage() != null ? run.stopMessage()
        : code != null ? "executor exited with status " + code : "executor exited";
    if (!run.isCommandExecutor() && run.stopMessage() == null) {
      String tail = io.corral.common.process.FileTail.of(run.sandbox().resolve("stderr"), STDERR_TAIL_BYTES);
      if (!tail.isEmpty()) {
        why = why + "; stderr: " + tail;
      }
    }
    if (started) {
      LOG.info("executor {} (container {}) exited with status {}{}", run.key(), run.containerId(), code,
          run.stopMessage() == null ? "" : " (" + run.stopMessage() + ")");
    } else {
      LOG.info("executor {} (container {}) ended before its process started: {}", run.key(), run.containerId(), why);
    }
    TaskStatusReason reason = run.stopReason() == null ? TaskStatusReason.REASON_EXECUTOR_TERMINATED : run.stopReason();
    for (AgentTask t : run.liveTasks()) {
      apply(t, new Ended(reason, why));
    }
    if (!run.isCommandExecutor()) {
      AgentCall.ExecutorExited.Builder e = AgentCall.ExecutorExited.newBuilder()
          .setFrameworkId(run.key().frameworkId()).setExecutorId(run.key().executorId())
          .setMessage(masterMessage == null ? why : masterMessage);
      if (code != null) {
        e.setStatus(code);
      }
      toMaster.accept(AgentCall.newBuilder().setExecutorExited(e).build());
    }
    if (runs.run(run.key()) == null) { // else a newer run of its executor has the checkpoint now
      checkpoints.forgetExecutor(run);
    }
    reports.forgetFrameworkIfDone(run.key().frameworkId());
    checkRecoveryDone();
  }

  /** Kills the run's process and container at once, reporting nothing (its agent was removed). */
  private void abandon(ExecutorRun run) {
    run.cancelTimers();
    if (run.connection() != null) {
      run.connection().complete();
    }
    if (run.handle() != null) {
      processes.kill(run.handle(), Duration.ZERO);
    }
    processes.killContainer(run.containerId());
    isolation.runEnded(run);
  }

  // ---- tasks -------------------------------------------------------------------------------------

  /** Applies the event to the task; returns the transition (refused: nothing changed, nothing was done). */
  AgentTaskStateMachine.Transition apply(AgentTask t, AgentTaskStateMachine.Event event) {
    AgentTaskStateMachine.Transition tr = AgentTaskStateMachine.apply(t.stage(), event);
    if (tr.accepted()) {
      t.setStage(tr.stage());
      tr.effects().forEach(e -> carryOut(t, e));
    }
    return tr;
  }

  private void carryOut(AgentTask t, AgentTaskStateMachine.Effect effect) {
    if (effect instanceof AgentTaskStateMachine.Deliver) {
      deliverQueued(t.run());
    } else if (effect instanceof AgentTaskStateMachine.Report r) {
      send(t, reports.agentStatus(t, r.state(), r.reason(), r.message()));
    } else if (effect instanceof AgentTaskStateMachine.Forward f) {
      send(t, reports.fromExecutor(t.run(), f.status()));
    } else if (effect instanceof AgentTaskStateMachine.SendKill k) {
      messages.kill(t.run(), t.info().getTaskId(), k.policy());
    } else if (effect instanceof AgentTaskStateMachine.RecordLimit l) {
      t.limit(l.limitation());
    } else if (effect instanceof AgentTaskStateMachine.RecordKillCause c) {
      t.killCause(c.cause());
    } else if (effect instanceof AgentTaskStateMachine.KillCgroups) {
      isolation.killTask(t);
    } else if (effect instanceof AgentTaskStateMachine.Release) {
      isolation.taskEnded(t.run(), t);
      idle.check(t.run());
    } else if (effect instanceof AgentTaskStateMachine.Forget) {
      reports.forget(t);
    } else {
      throw new IllegalArgumentException("unknown effect " + effect);
    }
  }

  /**
   * An update on its way: a terminal one fails with the limit the task broke, if it broke one; else a
   * {@code TASK_KILLED} one carries why the master killed it, if it said.
   */
  private void send(AgentTask t, TaskStatus status) {
    TaskStatus limited = isolation.limited(t, status);
    if (t.killCause() != null && t.limitation() == null) {
      limited = t.killCause().applied(limited);
    }
    t.update(limited);
    reports.send(t, limited);
  }

  /**
   * An executor's update: passed on (if its task is live), then acknowledged to the executor, once
   * checkpointed, so that an agent killed meanwhile finds it in its checkpoint or gets it again.
   */
  void executorUpdate(ExecutorRun run, TaskStatus raw) {
    TaskStatus status = raw.getUuid().isEmpty() ? raw.toBuilder().setUuid(StatusUuids.random()).build() : raw;
    try {
      AgentTask t = run.tasks().get(status.getTaskId());
      if (t != null) {
        apply(t, new Reported(status));
      } else if (runs.hasFramework(run.key().frameworkId())) {
        LOG.warn("executor {} sent an update for task {} it does not run; ignored", run.key(), status.getTaskId());
      }
    } finally {
      messages.acknowledge(run, status);
    }
  }

  // ---- recovery ----------------------------------------------------------------------------------

  /**
   * Runs {@code done} on the loop once no recovered run is left waiting for its executor (at once if
   * none is), after {@code first} completes.
   */
  void awaitRecovery(Runnable done, CompletableFuture<Void> first) {
    onRecovered = done;
    beforeRecovered = first;
    checkRecoveryDone();
  }

  /** Calls off a recovery under way (the agent was removed). */
  void cancelRecovery() {
    onRecovered = null;
  }

  private void checkRecoveryDone() {
    if (onRecovered != null && runs.runs().values().stream().noneMatch(r -> r.state() == State.RECOVERING)) {
      Runnable done = onRecovered;
      onRecovered = null;
      beforeRecovered.whenComplete((v, error) -> loop.execute(done));
    }
  }
}
