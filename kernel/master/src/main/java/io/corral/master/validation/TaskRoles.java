package io.corral.master.validation;

import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The role of the tasks of one ACCEPT: that of its offers (Offer.allocation_role). A task (and its
 * executor) may leave its role empty or name that role; it is then stamped with it, so the agent
 * keeps it and reports it back. A task naming another role, or one for an executor already running in
 * another role, is refused: a task and its executor are charged to one role.
 */
public final class TaskRoles {
  private TaskRoles() {}

  /**
   * @param tasks the tasks to launch, stamped with the offers' role, in order
   * @param rejected those refused (they are not in {@code tasks})
   */
  public record Stamped(List<TaskInfo> tasks, List<LaunchPlan.Rejected> rejected) {}

  /**
   * @param role the role of the offers
   * @param tasks the tasks of the ACCEPT
   * @param runningExecutorRoles the role of each of the framework's executors running on the agent, by id
   */
  public static Stamped stamp(String role, List<TaskInfo> tasks, Map<String, String> runningExecutorRoles) {
    List<TaskInfo> out = new ArrayList<>(tasks.size());
    List<LaunchPlan.Rejected> rejected = new ArrayList<>();
    for (TaskInfo task : tasks) {
      String problem = problem(role, task, runningExecutorRoles);
      if (problem != null) {
        rejected.add(new LaunchPlan.Rejected(task, TaskState.TASK_ERROR, TaskStatusReason.REASON_TASK_INVALID, problem));
        continue;
      }
      TaskInfo.Builder b = task.toBuilder().setRole(role);
      if (task.hasExecutor()) {
        b.getExecutorBuilder().setRole(role);
      }
      out.add(b.build());
    }
    return new Stamped(out, rejected);
  }

  private static String problem(String role, TaskInfo task, Map<String, String> runningExecutorRoles) {
    if (!task.getRole().isEmpty() && !task.getRole().equals(role)) {
      return "task names role " + task.getRole() + " but its offers are for role " + role;
    }
    if (!task.hasExecutor()) {
      return null;
    }
    String executorRole = task.getExecutor().getRole();
    if (!executorRole.isEmpty() && !executorRole.equals(role)) {
      return "executor " + task.getExecutor().getExecutorId() + " names role " + executorRole
          + " but the offers are for role " + role;
    }
    String running = runningExecutorRoles.get(task.getExecutor().getExecutorId());
    if (running != null && !running.equals(role)) {
      return "executor " + task.getExecutor().getExecutorId() + " runs in role " + running
          + "; launch its tasks on offers for that role (these are for role " + role + ")";
    }
    return null;
  }
}
