package io.corral.agent.exec;

import io.corral.agent.updates.StatusUpdateManager;
import io.corral.common.task.StatusUuids;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.protocol.TaskStatusSource;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * Task updates on their way to the frameworks: those the agent makes (stamped with its clock), and
 * the executors' it passes on, each handed to the status update manager (resent until acknowledged)
 * and checkpointed with the ones not yet acknowledged; then the acknowledgements, and forgetting a
 * task once its terminal update is acknowledged. Loop-owned.
 */
final class TaskReports {
  private final AgentRuns runs;
  private final StatusUpdateManager updates;
  private final RunCheckpoints checkpoints;
  private final Supplier<AgentInfo> agentInfo;
  private final Clock clock;

  TaskReports(AgentRuns runs, StatusUpdateManager updates, RunCheckpoints checkpoints, Supplier<AgentInfo> agentInfo,
      Clock clock) {
    this.runs = runs;
    this.updates = updates;
    this.checkpoints = checkpoints;
    this.agentInfo = agentInfo;
    this.clock = clock;
  }

  /** An update the agent makes about a task of its. */
  TaskStatus agentStatus(AgentTask t, TaskState state, TaskStatusReason reason, String message) {
    return agentStatus(t.frameworkId(), t.info().getTaskId(), t.run().key().executorId(), state, reason, message);
  }

  /** An executor's update as the agent passes it on: naming its framework, executor and this agent. */
  TaskStatus fromExecutor(ExecutorRun run, TaskStatus status) {
    return status.toBuilder().setFrameworkId(run.key().frameworkId()).setExecutorId(run.key().executorId())
        .setAgentId(agentInfo.get().getId()).build();
  }

  /**
   * Sends the task's update on its way to its framework, checkpointed with those not yet
   * acknowledged. A task whose framework is gone is forgotten: nobody will acknowledge it.
   */
  void send(AgentTask t, TaskStatus status) {
    if (runs.hasFramework(t.frameworkId())) {
      updates.add(status);
      checkpoint(t);
    } else {
      forget(t);
    }
  }

  /** A kill of a task this agent does not know: it is lost. */
  void unknown(String frameworkId, String taskId) {
    updates.add(agentStatus(frameworkId, taskId, "", TaskState.TASK_LOST, TaskStatusReason.REASON_TASK_UNKNOWN,
        "kill: task unknown to agent " + agentInfo.get().getId()));
  }

  /** Updates recovered from the checkpoint, to send again in order. */
  void resend(List<TaskStatus> unacknowledged) {
    unacknowledged.forEach(updates::add);
  }

  /** The framework acknowledged the task's update: checkpoints what is left to deliver. */
  void acknowledged(TaskKey key, TaskStatus status) {
    AgentTask t = runs.task(key);
    if (t != null) {
      t.acknowledged(status);
      checkpoint(t);
    }
  }

  /** Checkpoints the task with its unacknowledged updates (after an update or an acknowledgement). */
  void checkpoint(TaskKey key) {
    AgentTask t = runs.task(key);
    if (t != null) {
      checkpoint(t);
    }
  }

  private void checkpoint(AgentTask t) {
    checkpoints.task(t, updates.unacknowledged(t.key()));
  }

  /** Forgets the task, and its framework once nothing of it is left here. */
  void forget(AgentTask t) {
    runs.remove(t);
    checkpoints.forgetTask(t.key());
    forgetFrameworkIfDone(t.frameworkId());
  }

  /** Drops what the agent keeps about a framework once nothing of it is left here. */
  void forgetFrameworkIfDone(String frameworkId) {
    if (runs.idle(frameworkId) && runs.removeFramework(frameworkId)) {
      checkpoints.forgetFramework(frameworkId);
    }
  }

  /** The framework was removed: its updates are not sent any more. */
  void dropFramework(String frameworkId) {
    updates.dropFramework(frameworkId);
  }

  private TaskStatus agentStatus(String frameworkId, String taskId, String executorId, TaskState state,
      TaskStatusReason reason, String message) {
    return TaskStatus.newBuilder().setFrameworkId(frameworkId).setTaskId(taskId).setExecutorId(executorId)
        .setAgentId(agentInfo.get().getId()).setState(state).setReason(reason).setMessage(message)
        .setSource(TaskStatusSource.SOURCE_AGENT).setTimestamp(clock.millis() / 1000.0)
        .setUuid(StatusUuids.random()).build();
  }
}
