package io.corral.spark;

import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;

/**
 * How Spark's executor ended its run, and so how its Corral task ends. Spark's executor leaves by
 * itself with a status and a reason ({@code exitExecutor}): 0 once it finished decommissioning
 * ("Finished decommissioning"), non-zero when it lost its driver or failed. Spark's own main then
 * exits the JVM with 0 whatever the status was, which the agent could only report as a failed task
 * ("executor exited with status 0"); the bridge ends the task itself instead.
 *
 * @param code the status Spark's executor left with
 * @param reason Spark's reason, or why it stopped when it did not leave by itself
 */
record ExecutorExit(int code, String reason) {
  /** Spark's executor stopped without leaving by itself: the driver asked it to (the application stops). */
  static final ExecutorExit STOPPED = new ExecutorExit(0, "Spark stopped the executor");

  /** A clean end (a requested one: decommissioned, or stopped by the driver): the task finished. */
  boolean clean() {
    return code == 0;
  }

  /** The task's terminal update for a clean end; a failed one ends the JVM with {@link #code}. */
  TaskStatus finished(String taskId) {
    if (!clean()) {
      throw new IllegalStateException("not a clean end: " + this);
    }
    return TaskStatus.newBuilder().setTaskId(taskId).setState(TaskState.TASK_FINISHED).setMessage(reason).build();
  }

  /** The line a failed end prints last on stderr, which the agent's report of the failure carries. */
  String failureLine() {
    return "Spark's executor exited with status " + code + ": " + reason;
  }
}
