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
  /** The latest update its framework acknowledged (null: none yet). */
  private TaskStatus acknowledged;
  private boolean killRequested;
  private boolean fetching;
  /** A limit the task broke (memory, disk), set by the agent's isolation; null: none. */
  private Limitation limitation;

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

  /** The latest update (null before the first). */
  public TaskStatus latest() {
    return latest;
  }

  public TaskStatus acknowledged() {
    return acknowledged;
  }

  public void acknowledged(TaskStatus status) {
    acknowledged = status;
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

  public Limitation limitation() {
    return limitation;
  }

  /** Records the limit the task broke (the first one wins). */
  public void limit(Limitation l) {
    if (limitation == null) {
      limitation = l;
    }
  }

  /**
   * The task as the agent reports it when it (re-)registers: in the state its framework has
   * acknowledged. Newer states are on their way as status updates (resent until acknowledged),
   * so the master does not announce them a second time.
   */
  public Task toProto(String agentId) {
    Task.Builder b = Task.newBuilder()
        .setTaskId(info.getTaskId())
        .setFrameworkId(frameworkId)
        .setAgentId(agentId)
        .setExecutorId(run.key().executorId())
        .setName(info.getName())
        .setState(acknowledged == null ? TaskState.TASK_STAGING : acknowledged.getState())
        .addAllResources(Resources.fromProto(info.getResourcesList()).toProto());
    if (acknowledged != null) {
      b.setLatestStatus(acknowledged);
    }
    return b.build();
  }
}
