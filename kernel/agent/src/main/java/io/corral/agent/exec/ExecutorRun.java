package io.corral.agent.exec;

import io.corral.agent.exec.ExecutorRunStateMachine.State;
import io.corral.common.loop.EventLoop.Cancellable;
import io.corral.common.net.StreamConnection;
import io.corral.protocol.ExecutorEvent;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One launch of an executor: its process, its sandbox, its stream, and its tasks. Its life is
 * {@link ExecutorRunStateMachine}'s table; only {@link RunBook} moves it. A recovered run's process
 * is not a child of this agent: only its {@link ProcessHandle} is known, and its exit status is not.
 * Loop-owned.
 */
public final class ExecutorRun {

  private final ExecutorKey key;
  private final String containerId;
  private final ExecutorInfo info;
  private final FrameworkInfo framework;
  private final boolean commandExecutor;
  private final Path sandbox;
  private State state;
  private Process process;
  private ProcessHandle handle;
  private StreamConnection<ExecutorEvent> connection;
  private final Map<String, AgentTask> tasks = new LinkedHashMap<>();
  private final List<Cancellable> timers = new ArrayList<>();
  private Cancellable idleTimer;
  /** Why the run is being stopped (null: it was not asked to stop), and what its tasks are told. */
  private String stopMessage;
  private io.corral.protocol.TaskStatusReason stopReason;
  /** Its cgroups; null when the agent isolates without cgroups. */
  private io.corral.agent.isolation.ContainerCgroups cgroups;

  /** A run about to be launched: its executor's URIs are fetched first. */
  public ExecutorRun(ExecutorKey key, String containerId, ExecutorInfo info, FrameworkInfo framework,
      boolean commandExecutor, Path sandbox) {
    this(key, containerId, info, framework, commandExecutor, sandbox, State.FETCHING);
  }

  public ExecutorRun(ExecutorKey key, String containerId, ExecutorInfo info, FrameworkInfo framework,
      boolean commandExecutor, Path sandbox, State initial) {
    this.state = initial;
    this.key = key;
    this.containerId = containerId;
    this.info = info;
    this.framework = framework;
    this.commandExecutor = commandExecutor;
    this.sandbox = sandbox;
  }

  public ExecutorKey key() {
    return key;
  }

  public String containerId() {
    return containerId;
  }

  public ExecutorInfo info() {
    return info;
  }

  public FrameworkInfo framework() {
    return framework;
  }

  public boolean isCommandExecutor() {
    return commandExecutor;
  }

  public Path sandbox() {
    return sandbox;
  }

  public State state() {
    return state;
  }

  /** Only {@link RunBook}, applying the table, moves a run. */
  void setState(State s) {
    state = s;
  }

  /** The process when this agent started it; null for a recovered run. */
  public Process process() {
    return process;
  }

  void setProcess(Process p) {
    process = p;
    handle = p.toHandle();
  }

  /** The executor's process, started or recovered; null before it exists. */
  public ProcessHandle handle() {
    return handle;
  }

  /** Adopts the live process of an executor started by an earlier run of the agent. */
  void adopt(ProcessHandle h) {
    handle = h;
  }

  /** The exit status, when the process was this agent's child and has exited; else null. */
  public Integer exitCode() {
    return process != null && !process.isAlive() ? process.exitValue() : null;
  }

  public StreamConnection<ExecutorEvent> connection() {
    return connection;
  }

  void setConnection(StreamConnection<ExecutorEvent> c) {
    connection = c;
  }

  public boolean isConnected() {
    return connection != null && connection.isOpen();
  }

  public void send(ExecutorEvent event) {
    if (connection != null) {
      connection.send(event);
    }
  }

  /** Tasks given to this run and not yet acknowledged as finished. */
  public Map<String, AgentTask> tasks() {
    return tasks;
  }

  /** Tasks waiting for the executor to subscribe, in the order they came. */
  public List<AgentTask> queued() {
    return tasks.values().stream().filter(t -> t.stage() == AgentTaskStateMachine.Stage.QUEUED).toList();
  }

  /** Its live tasks (not ended), in the order they came. */
  public List<AgentTask> liveTasks() {
    return tasks.values().stream().filter(AgentTask::isLive).toList();
  }

  void addTimer(Cancellable c) {
    timers.add(c);
  }

  void cancelTimers() {
    timers.forEach(Cancellable::cancel);
    timers.clear();
    cancelIdleTimer();
  }

  void setIdleTimer(Cancellable c) {
    cancelIdleTimer();
    idleTimer = c;
  }

  /** Whether its idle clock runs (see {@link IdleRuns}). */
  public boolean hasIdleTimer() {
    return idleTimer != null;
  }

  void cancelIdleTimer() {
    if (idleTimer != null) {
      idleTimer.cancel();
      idleTimer = null;
    }
  }

  /** Why the run was stopped, in words; null when it was not asked to stop. */
  public String stopMessage() {
    return stopMessage;
  }

  /** The reason its unfinished tasks fail with; null when it was not asked to stop. */
  public io.corral.protocol.TaskStatusReason stopReason() {
    return stopReason;
  }

  /** Records why the run stops (the first reason given wins). */
  void stopBecause(io.corral.protocol.TaskStatusReason reason, String message) {
    if (stopMessage == null) {
      stopReason = reason;
      stopMessage = message;
    }
  }

  /** The latest /proc scan of its process tree (posix isolators); null before the first. */
  private io.corral.agent.isolation.ProcessTreeUsage processUsage;
  /** Bytes in its sandbox at the latest disk/du scan; -1 before the first. */
  private long diskUsedBytes = -1;

  public io.corral.agent.isolation.ProcessTreeUsage processUsage() {
    return processUsage;
  }

  void setProcessUsage(io.corral.agent.isolation.ProcessTreeUsage u) {
    processUsage = u;
  }

  public long diskUsedBytes() {
    return diskUsedBytes;
  }

  void setDiskUsedBytes(long b) {
    diskUsedBytes = b;
  }

  public io.corral.agent.isolation.ContainerCgroups cgroups() {
    return cgroups;
  }

  void setCgroups(io.corral.agent.isolation.ContainerCgroups c) {
    cgroups = c;
  }

}
