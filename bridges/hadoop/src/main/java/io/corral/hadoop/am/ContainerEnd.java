package io.corral.hadoop.am;

import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;

/**
 * What the end of a container's Corral task means for its attempt, read from the task's last status
 * as RMContainerAllocator reads a YARN container's exit status.
 */
enum ContainerEnd {
  /** It ran and ended, well or not: the attempt decides ({@code TA_CONTAINER_COMPLETED}). */
  COMPLETED,
  /**
   * The master took it back for a role below its guarantee ({@code REASON_PREEMPTED}, YARN's
   * {@code ContainerExitStatus.PREEMPTED}): {@code TA_KILL}, so the attempt ends KILLED, spends none
   * of the task's attempts, and the task runs again.
   */
  PREEMPTED,
  /** Gone with its agent or executor, not of its own doing (YARN's {@code ABORTED}): the node is lost, the attempt killed. */
  LOST,
  /** Never launched (a stale offer): killed, not the attempt's failure. */
  DROPPED,
  /** It never ran: {@code TA_CONTAINER_LAUNCH_FAILED}. */
  LAUNCH_FAILED;

  /** The end a terminal (or unreachable) status means, for a container that ran ({@code TASK_RUNNING} seen) or not. */
  static ContainerEnd of(TaskStatus status, boolean ran) {
    if (lostWithItsExecutor(status)) {
      return LOST;
    }
    if (status.getState() == TaskState.TASK_KILLED && status.getReason() == TaskStatusReason.REASON_PREEMPTED) {
      return PREEMPTED;
    }
    if (ran) {
      return COMPLETED;
    }
    return status.getState() == TaskState.TASK_DROPPED ? DROPPED : LAUNCH_FAILED;
  }

  private static boolean lostWithItsExecutor(TaskStatus status) {
    return switch (status.getState()) {
      case TASK_LOST, TASK_UNREACHABLE, TASK_GONE, TASK_GONE_BY_OPERATOR -> true;
      default -> status.getReason() == TaskStatusReason.REASON_EXECUTOR_TERMINATED
          || status.getReason() == TaskStatusReason.REASON_AGENT_REMOVED;
    };
  }
}
