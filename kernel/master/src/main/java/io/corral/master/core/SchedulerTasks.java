package io.corral.master.core;

import io.corral.master.state.TaskEntry;

/**
 * Which tasks are their framework's own scheduler (a Hadoop application master, a Spark
 * cluster-mode driver): preemption takes such a task only once its framework's other tasks are gone.
 * No task of this protocol version is marked as one.
 */
final class SchedulerTasks {
  private SchedulerTasks() {}

  static boolean isSchedulerTask(TaskEntry task) {
    return false;
  }
}
