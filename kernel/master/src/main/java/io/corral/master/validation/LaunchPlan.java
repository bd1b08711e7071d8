package io.corral.master.validation;

import io.corral.common.resources.PooledResources;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.util.List;

/**
 * The outcome of validating the tasks of one ACCEPT against its offers.
 *
 * @param accepted tasks to launch, in order
 * @param rejected tasks refused, each with the state and reason to report
 * @param used resources the accepted tasks (and new executors) take from the offers, pool by pool
 */
public record LaunchPlan(List<Accepted> accepted, List<Rejected> rejected, PooledResources used) {

  /**
   * A task that will be launched.
   *
   * @param task the task, with its agent id and executor framework id filled in
   * @param resources the task's own resources, pool by pool
   * @param newExecutor resources of a custom executor started for it (empty if none or
   *     already running)
   */
  public record Accepted(TaskInfo task, PooledResources resources, PooledResources newExecutor) {}

  /** A task that will not be launched, and why. */
  public record Rejected(TaskInfo task, TaskState state, TaskStatusReason reason, String message) {}
}
