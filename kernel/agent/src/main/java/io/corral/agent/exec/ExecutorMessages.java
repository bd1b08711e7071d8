package io.corral.agent.exec;

import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorEvent;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the agent says to an executor over its stream (the executor protocol's events). A run whose
 * executor is not connected hears nothing: what it must still get (its queued tasks, its kills, a
 * shutdown) is sent again when it subscribes. Everything goes out once the task checkpoints written
 * before it are on disk ({@link RunCheckpoints#whenDurable}), in order: a launch after its task's
 * record, an acknowledgement after the update's. Loop-owned.
 */
final class ExecutorMessages {
  private final Supplier<AgentInfo> agentInfo;
  private final ProcessUsers users;
  private final ExecutorIsolation isolation;

  private final RunCheckpoints checkpoints;

  ExecutorMessages(Supplier<AgentInfo> agentInfo, ProcessUsers users, ExecutorIsolation isolation,
      RunCheckpoints checkpoints) {
    this.agentInfo = agentInfo;
    this.users = users;
    this.isolation = isolation;
    this.checkpoints = checkpoints;
  }

  private void send(ExecutorRun run, ExecutorEvent event) {
    checkpoints.whenDurable(() -> run.send(event));
  }

  /** Tells the executor it is subscribed: its info, its framework's and this agent's. */
  void subscribed(ExecutorRun run) {
    send(run, ExecutorEvent.newBuilder().setSubscribed(ExecutorEvent.Subscribed.newBuilder()
        .setExecutorInfo(run.info()).setFrameworkInfo(run.framework()).setAgentInfo(agentInfo.get())).build());
  }

  /** Sends tasks to run, in one message. */
  void launch(ExecutorRun run, List<AgentTask> tasks) {
    if (!tasks.isEmpty()) {
      send(run, ExecutorEvent.newBuilder().setLaunch(ExecutorEvent.Launch.newBuilder()
          .addAllTasks(tasks.stream().map(t -> deliverable(run, t.info())).toList())).build());
    }
  }

  /** A command task as its executor gets it: the cgroups to enter, the user to run as. */
  private TaskInfo deliverable(ExecutorRun run, TaskInfo task) {
    return users.deliverable(run.framework(), isolation.deliverable(run, task));
  }

  void kill(ExecutorRun run, String taskId, KillPolicy policy) {
    send(run, ExecutorEvent.newBuilder().setKill(ExecutorEvent.Kill.newBuilder().setTaskId(taskId)
        .setKillPolicy(policy)).build());
  }

  /** Asks the executor to kill its tasks and exit within the grace. */
  void shutdown(ExecutorRun run, Duration grace) {
    send(run, ExecutorEvent.newBuilder().setShutdown(ExecutorEvent.Shutdown.newBuilder()
        .setGracePeriodSeconds(grace.toMillis() / 1000.0)).build());
  }

  /** Acknowledges an update: the executor may forget it. */
  void acknowledge(ExecutorRun run, TaskStatus status) {
    send(run, ExecutorEvent.newBuilder().setAcknowledged(ExecutorEvent.Acknowledged.newBuilder()
        .setTaskId(status.getTaskId()).setUuid(status.getUuid())).build());
  }

  /** A framework's message for its executor. */
  void message(ExecutorRun run, com.google.protobuf.ByteString data) {
    send(run, ExecutorEvent.newBuilder().setMessage(ExecutorEvent.Message.newBuilder().setData(data)).build());
  }

  static ExecutorEvent error(String call, String message, boolean fatal) {
    return ExecutorEvent.newBuilder().setError(io.corral.protocol.Error.newBuilder().setCall(call)
        .setMessage(message).setFatal(fatal)).build();
  }
}
