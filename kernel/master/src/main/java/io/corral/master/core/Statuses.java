package io.corral.master.core;

import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.protocol.TaskStatusSource;
import java.util.List;

/** Status updates the master makes up itself. They carry no uuid: nobody acknowledges them. */
final class Statuses {
  private Statuses() {}

  static TaskStatus master(
      String frameworkId,
      String taskId,
      String agentId,
      TaskState state,
      TaskStatusReason reason,
      String message,
      double now) {
    return TaskStatus.newBuilder()
        .setFrameworkId(frameworkId)
        .setTaskId(taskId)
        .setAgentId(agentId == null ? "" : agentId)
        .setState(state)
        .setReason(reason)
        .setMessage(message == null ? "" : message)
        .setSource(TaskStatusSource.SOURCE_MASTER)
        .setTimestamp(now)
        .build();
  }

  static SchedulerEvent update(List<TaskStatus> statuses) {
    return SchedulerEvent.newBuilder()
        .setUpdate(SchedulerEvent.Update.newBuilder().addAllStatuses(statuses))
        .build();
  }

  static SchedulerEvent update(TaskStatus status) {
    return update(List.of(status));
  }

  static SchedulerEvent error(String call, String message, boolean fatal) {
    return SchedulerEvent.newBuilder()
        .setError(
            io.corral.protocol.Error.newBuilder().setCall(call).setMessage(message).setFatal(fatal))
        .build();
  }
}
