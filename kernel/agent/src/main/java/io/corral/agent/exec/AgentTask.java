package io.corral.agent.exec;

import io.corral.agent.exec.AgentTaskStateMachine.Stage;
import io.corral.common.resources.Resources;
import io.corral.protocol.Task;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;

/**
 * A task this agent was given, kept until its terminal status update is acknowledged. Its life is
 * {@link AgentTaskStateMachine}'s table; only {@link RunBook} moves it. Loop-owned.
 */
public final class AgentTask {
  private final String frameworkId;
  private final TaskInfo info;
  private final ExecutorRun run;
  private Stage stage;
  /** What it reported last (its executor, or the agent about it). */
  private TaskState state = TaskState.TASK_STAGING;
  private TaskStatus latest;
  /** The latest update its framework acknowledged (null: none yet). */
  private TaskStatus acknowledged;
  /** A limit the task broke (memory, disk), set by the agent's isolation; null: none. */
  private Limitation limitation;
  /** Why the master kills it, when its framework did not ask (a preemption); null: none. */
  private KillCause killCause;

  /** A task waiting for its executor. */
  public AgentTask(String frameworkId, TaskInfo info, ExecutorRun run) {
    this(frameworkId, info, run, Stage.QUEUED);
  }

  public AgentTask(String frameworkId, TaskInfo info, ExecutorRun run, Stage initial) {
    this.frameworkId = frameworkId;
    this.info = info;
    this.run = run;
    this.stage = initial;
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

  public Stage stage() {
    return stage;
  }

  /** Only {@link RunBook}, applying the table, moves a task. */
  void setStage(Stage s) {
    stage = s;
  }

  /** Whether it is live (not ended): it holds resources in its container and keeps its run busy. */
  public boolean isLive() {
    return AgentTaskStateMachine.isLive(stage);
  }

  /** The state it reported last. */
  public TaskState state() {
    return state;
  }

  /** Records an update made about it (the latest it has). */
  void update(TaskStatus status) {
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

  /**
   * Records the latest update its framework acknowledged; one that says nothing of the task's health
   * keeps the health the one before carried, so that a master it re-registers with learns the latest.
   */
  void acknowledged(TaskStatus status) {
    acknowledged = io.corral.common.task.TaskHealth.carried(acknowledged, status);
  }

  public Limitation limitation() {
    return limitation;
  }

  /** Records the limit the task broke (the first one wins). */
  void limit(Limitation l) {
    if (limitation == null) {
      limitation = l;
    }
  }

  public KillCause killCause() {
    return killCause;
  }

  /** Records why the master kills it (the first cause wins). */
  void killCause(KillCause cause) {
    if (killCause == null) {
      killCause = cause;
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
        .addAllResources(io.corral.common.resources.PooledResources.fromProto(info.getResourcesList()).toProto())
        .setSchedulerTask(info.getSchedulerTask())
        .setRole(info.getRole());
    if (acknowledged != null) {
      b.setLatestStatus(acknowledged);
    }
    return b.build();
  }
}
