package io.corral.master.state;

import io.corral.common.resources.PooledResources;
import io.corral.protocol.Task;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.time.Instant;

/** A task the master knows to be live (staging through unreachable). Loop-owned. */
public final class TaskEntry {
  private final String frameworkId;
  private final String taskId;
  private final String agentId;
  private final String executorId;
  private final String name;
  /** What the task uses, pool by pool (a task may use its role's reservations and unreserved resources). */
  private final PooledResources resources;
  private final Instant launchedAt;
  private final boolean schedulerTask;
  /** The role the task is charged to: its offers' (a framework of several roles has tasks in each). */
  private final String role;
  private TaskState state;
  private TaskStatus latestStatus;

  /** A task being launched; {@code info} names its role (the master sets it from the offers). */
  public TaskEntry(
      String frameworkId, TaskInfo info, String agentId, PooledResources resources, Instant launchedAt) {
    this(
        frameworkId,
        info.getTaskId(),
        agentId,
        info.hasExecutor() ? info.getExecutor().getExecutorId() : "",
        info.getName(),
        resources,
        launchedAt,
        TaskState.TASK_STAGING,
        null,
        info.getSchedulerTask(),
        info.getRole());
  }

  public TaskEntry(
      String frameworkId,
      String taskId,
      String agentId,
      String executorId,
      String name,
      PooledResources resources,
      Instant launchedAt,
      TaskState state,
      TaskStatus latestStatus,
      boolean schedulerTask,
      String role) {
    this.frameworkId = frameworkId;
    this.taskId = taskId;
    this.agentId = agentId;
    this.executorId = executorId;
    this.name = name;
    this.resources = resources;
    this.launchedAt = launchedAt;
    this.state = state;
    this.latestStatus = latestStatus;
    this.schedulerTask = schedulerTask;
    this.role = java.util.Objects.requireNonNull(role, "role");
  }

  public String frameworkId() {
    return frameworkId;
  }

  public String taskId() {
    return taskId;
  }

  public String agentId() {
    return agentId;
  }

  public String executorId() {
    return executorId;
  }

  public String name() {
    return name;
  }

  public PooledResources resources() {
    return resources;
  }

  public Instant launchedAt() {
    return launchedAt;
  }

  /** Whether the task is its framework's own scheduler ({@code TaskInfo.scheduler_task}). */
  public boolean schedulerTask() {
    return schedulerTask;
  }

  /** The role the task is charged to. */
  public String role() {
    return role;
  }

  public TaskState state() {
    return state;
  }

  public TaskStatus latestStatus() {
    return latestStatus;
  }

  /**
   * Records the task's new state and latest update; an update that says nothing of the task's health
   * keeps the health the previous one carried ({@code healthy}: the latest known).
   */
  public void update(TaskState newState, TaskStatus status) {
    this.state = newState;
    this.latestStatus = io.corral.common.task.TaskHealth.carried(latestStatus, status);
  }

  public TaskKey key() {
    return new TaskKey(frameworkId, taskId);
  }

  public Task toProto() {
    Task.Builder b =
        Task.newBuilder()
            .setTaskId(taskId)
            .setFrameworkId(frameworkId)
            .setAgentId(agentId)
            .setExecutorId(executorId)
            .setName(name)
            .setState(state)
            .addAllResources(resources.toProto())
            .setSchedulerTask(schedulerTask)
            .setRole(role);
    if (latestStatus != null) {
      b.setLatestStatus(latestStatus);
    }
    return b.build();
  }
}
