package io.corral.common.task;

import io.corral.protocol.TaskStatus;

/**
 * A task's health as its updates tell it. Only the updates about its health (and the end of an
 * unhealthy task) carry {@code healthy}; a record of the task keeps the latest value any update
 * carried, so that its later updates (a kill, a reconciliation answer) still say how it was.
 */
public final class TaskHealth {
  private TaskHealth() {}

  /**
   * {@code next} as a task's record keeps it: with the {@code healthy} of {@code previous} (null: none)
   * when {@code next} has none of its own.
   */
  public static TaskStatus carried(TaskStatus previous, TaskStatus next) {
    if (next.hasHealthy() || previous == null || !previous.hasHealthy()) {
      return next;
    }
    return next.toBuilder().setHealthy(previous.getHealthy()).build();
  }
}
