package io.corral.agent.exec;

import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;

/**
 * Why the master killed a task its framework did not ask to kill (it preempted it): its
 * {@code TASK_KILLED} update carries this reason and message, whatever its executor reports.
 */
public record KillCause(TaskStatusReason reason, String message) {
  /** The cause a master's {@code KILL_TASK} names, or null when its framework asked for the kill. */
  public static KillCause of(io.corral.protocol.AgentEvent.KillTask kill) {
    return kill.getReason() == TaskStatusReason.REASON_UNSPECIFIED ? null
        : new KillCause(kill.getReason(), kill.getMessage());
  }

  /** {@code status} as the task ends: a {@code TASK_KILLED} one gets this reason and message. */
  TaskStatus applied(TaskStatus status) {
    if (status.getState() != TaskState.TASK_KILLED) {
      return status;
    }
    return status.toBuilder().setReason(reason).setMessage(message).build();
  }
}
