package io.corral.agent.exec;

import io.corral.common.resources.Resources;
import io.corral.protocol.Task;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;

/**
 * A task this agent was given, kept until its terminal status update is acknowledged.
 * Loop-owned.
 */
public final class AgentTask {
  private final String frameworkId;
  private final TaskInfo info;
  private final ExecutorRun run;
  private TaskState state = TaskState.TASK_STAGING;
  private TaskStatus latest;
  private boolean killRequested;
  private boolean fetching;

  public AgentTask(String frameworkId, TaskInfo info, ExecutorRun run) {
    this.frameworkId = frameworkId;
    this.info = info;
    this.run = run;
  }

  public TaskKey key() {
    return new TaskKey(frameworkId, info.getTaskId());
  }

  public String frameworkId() {
    return frameworkId;
  }

  public TaskInfo info() {
    return info;
  }

  public ExecutorRun run() {
    return run;
  }

  public TaskState state() {
    return state;
  }

  public void update(TaskStatus status) {
    this.state = status.getState();
    this.latest = status;
  }

  public boolean killRequested() {
    return killRequested;
  }

  public void requestKill() {
    killRequested = true;
  }

  /** Whether its URIs are being fetched (it has not reached its executor yet). */
  public boolean fetching() {
    return fetching;
  }

  public void setFetching(boolean f) {
    fetching = f;
  }

  public Task toProto(String agentId) {
    Task.Builder b = Task.newBuilder()
        .setTaskId(info.getTaskId())
        .setFrameworkId(frameworkId)
        .setAgentId(agentId)
        .setExecutorId(run.key().executorId())
        .setName(info.getName())
        .setState(state)
        .addAllResources(Resources.fromProto(info.getResourcesList()).toProto());
    if (latest != null) {
      b.setLatestStatus(latest);
    }
    return b.build();
  }
}
