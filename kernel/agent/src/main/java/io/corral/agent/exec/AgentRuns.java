package io.corral.agent.exec;

import io.corral.common.net.StreamConnection;
import io.corral.protocol.ExecutorEvent;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Task;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the agent knows of its executors: the frameworks it runs tasks of, their executor runs and
 * tasks, and which executor stream belongs to which run. Owned by the agent's loop: every field is
 * read and written on that one thread only. The parts ({@link TaskDelivery}, {@link RunLauncher},
 * {@link ExecutorChannel}, {@link RunBook}, ...) share it, as the master's handlers share its state.
 */
final class AgentRuns {
  private final Map<ExecutorKey, ExecutorRun> runs = new LinkedHashMap<>();
  private final Map<TaskKey, AgentTask> tasks = new LinkedHashMap<>();
  private final Map<String, FrameworkInfo> frameworks = new HashMap<>();
  private final Map<Long, ExecutorRun> byConnection = new HashMap<>();

  // ---- runs ------------------------------------------------------------------------------------

  /** The run of an executor (the latest, while an earlier one ends), or null. */
  ExecutorRun run(ExecutorKey key) {
    return runs.get(key);
  }

  void add(ExecutorRun run) {
    runs.put(run.key(), run);
  }

  /** Forgets the run, unless a newer run of its executor took its place. */
  void remove(ExecutorRun run) {
    runs.remove(run.key(), run);
  }

  /** Every run, by executor (live view). */
  Map<ExecutorKey, ExecutorRun> runs() {
    return runs;
  }

  /** A snapshot of the runs, to change them while going through. */
  List<ExecutorRun> runList() {
    return new ArrayList<>(runs.values());
  }

  // ---- tasks -----------------------------------------------------------------------------------

  AgentTask task(TaskKey key) {
    return tasks.get(key);
  }

  boolean knows(TaskKey key) {
    return tasks.containsKey(key);
  }

  /** Adds a task to the agent's books and to its run. */
  void add(AgentTask t) {
    tasks.put(t.key(), t);
    t.run().tasks().put(t.info().getTaskId(), t);
  }

  /** Removes a task from the agent's books and from its run. */
  void remove(AgentTask t) {
    tasks.remove(t.key(), t);
    t.run().tasks().remove(t.info().getTaskId(), t);
  }

  Collection<AgentTask> tasks() {
    return tasks.values();
  }

  /** Drops a framework's tasks from the agent's books (their runs keep them until they end); returns them. */
  List<TaskKey> dropTasksOf(String frameworkId) {
    List<TaskKey> dropped = new ArrayList<>();
    tasks.keySet().removeIf(k -> {
      if (k.frameworkId().equals(frameworkId)) {
        dropped.add(k);
        return true;
      }
      return false;
    });
    return dropped;
  }

  // ---- frameworks ------------------------------------------------------------------------------

  boolean hasFramework(String frameworkId) {
    return frameworks.containsKey(frameworkId);
  }

  /** Records the framework; returns whether it is new or changed. */
  boolean putFramework(FrameworkInfo framework) {
    return !framework.equals(frameworks.put(framework.getId(), framework));
  }

  /** The framework as last heard, or one that knows only its id. */
  FrameworkInfo framework(String frameworkId) {
    return frameworks.getOrDefault(frameworkId, FrameworkInfo.newBuilder().setId(frameworkId).build());
  }

  /** Forgets the framework; returns whether it was known. */
  boolean removeFramework(String frameworkId) {
    return frameworks.remove(frameworkId) != null;
  }

  /** Whether nothing of the framework is left here: no run, no task. */
  boolean idle(String frameworkId) {
    return runs.keySet().stream().noneMatch(k -> k.frameworkId().equals(frameworkId))
        && tasks.keySet().stream().noneMatch(k -> k.frameworkId().equals(frameworkId));
  }

  // ---- executor streams ------------------------------------------------------------------------

  /** The run bound to an executor stream, or null. */
  ExecutorRun runOf(StreamConnection<ExecutorEvent> conn) {
    return byConnection.get(conn.id());
  }

  /** Binds the run to its executor's (new) stream, ending the one it had. */
  void bind(ExecutorRun run, StreamConnection<ExecutorEvent> conn) {
    StreamConnection<ExecutorEvent> old = run.connection();
    if (old != null && old != conn) {
      byConnection.remove(old.id());
      old.complete();
    }
    run.setConnection(conn);
    byConnection.put(conn.id(), run);
  }

  /** Unbinds the run from its stream and ends the stream (the run is over). */
  void unbind(ExecutorRun run) {
    StreamConnection<ExecutorEvent> conn = run.connection();
    if (conn != null) {
      byConnection.remove(conn.id());
      run.setConnection(null);
      conn.complete();
    }
  }

  /** The stream ended: the run it was bound to (now without one), or null. */
  ExecutorRun closed(StreamConnection<ExecutorEvent> conn) {
    ExecutorRun run = byConnection.remove(conn.id());
    if (run != null && run.connection() == conn) {
      run.setConnection(null);
      return run;
    }
    return null;
  }

  /** Forgets everything (the master removed this agent). */
  void clear() {
    runs.clear();
    tasks.clear();
    frameworks.clear();
    byConnection.clear();
  }

  // ---- read views ------------------------------------------------------------------------------

  List<FrameworkInfo> frameworks() {
    return List.copyOf(frameworks.values());
  }

  /** The custom executors that run or start here, as the agent re-registers them. */
  List<ExecutorInfo> customExecutors() {
    List<ExecutorInfo> out = new ArrayList<>();
    for (ExecutorRun r : runs.values()) {
      if (!r.isCommandExecutor() && r.state() != ExecutorRunStateMachine.State.TERMINATED) {
        out.add(r.info().toBuilder().setFrameworkId(r.key().frameworkId()).build());
      }
    }
    return out;
  }

  /** Every task, as the agent re-registers it. */
  List<Task> taskProtos(String agentId) {
    List<Task> out = new ArrayList<>();
    for (AgentTask t : tasks.values()) {
      out.add(t.toProto(agentId));
    }
    return out;
  }
}
