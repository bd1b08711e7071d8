package io.corral.master.core;

import io.corral.master.registry.AgentRecord;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.ExecutorKey;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.TaskEntry;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Status updates from agents to frameworks and acknowledgements back; kills,
 * reconciliation and framework messages.
 */
final class StatusHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StatusHandler.class);

  private final MasterState s;
  private final TaskBook book;
  private final AgentRecovery recovery;

  StatusHandler(MasterState state, TaskBook book, AgentRecovery recovery) {
    this.s = state;
    this.book = book;
    this.recovery = recovery;
  }

  /** Updates an agent relays (reliable: each carries a uuid and is resent until acknowledged). */
  void onAgentUpdates(AgentEntry agent, List<TaskStatus> updates) {
    Map<FrameworkEntry, List<TaskStatus>> forward = new LinkedHashMap<>();
    for (TaskStatus raw : updates) {
      s.metrics.statusUpdates.incrementAndGet();
      TaskStatus status = raw.getAgentId().isEmpty() ? raw.toBuilder().setAgentId(agent.id()).build() : raw;
      FrameworkEntry fw = s.frameworks.get(status.getFrameworkId());
      if (fw == null) {
        if (s.removedFrameworks.containsKey(status.getFrameworkId())) {
          shutdownFramework(agent, status.getFrameworkId());
        } else {
          LOG.warn("agent {} sent an update for unknown framework {} (task {}); dropped",
              agent.id(), status.getFrameworkId(), status.getTaskId());
        }
        continue;
      }
      TaskEntry task = fw.tasks().get(status.getTaskId());
      if (task != null && task.agentId().equals(agent.id())) {
        book.apply(task, status);
      }
      // Duplicates and updates of completed tasks are forwarded as well: the agent resends
      // until the framework acknowledges.
      forward.computeIfAbsent(fw, f -> new ArrayList<>()).add(status);
    }
    forward.forEach(
        (fw, statuses) -> {
          if (fw.isConnected()) {
            fw.send(Statuses.update(statuses));
          }
        });
  }

  void acknowledge(FrameworkEntry fw, SchedulerCall.Acknowledge ack) {
    Map<String, AgentEvent.Acknowledge.Builder> byAgent = new HashMap<>();
    for (SchedulerCall.Acknowledge.Ack a : ack.getAcksList()) {
      if (a.getUuid().isEmpty()) {
        continue; // master-generated updates need no acknowledgement
      }
      AgentEntry agent = s.agents.get(a.getAgentId());
      if (agent == null) {
        LOG.debug("framework {} acknowledged task {} of unknown agent {}", fw.id(), a.getTaskId(), a.getAgentId());
        continue;
      }
      byAgent
          .computeIfAbsent(agent.id(), id -> AgentEvent.Acknowledge.newBuilder())
          .addAcks(
              AgentEvent.Acknowledge.Ack.newBuilder()
                  .setFrameworkId(fw.id())
                  .setTaskId(a.getTaskId())
                  .setUuid(a.getUuid()));
    }
    byAgent.forEach(
        (agentId, b) -> s.agents.get(agentId).send(AgentEvent.newBuilder().setAcknowledge(b).build()));
  }

  void kill(FrameworkEntry fw, SchedulerCall.Kill kill) {
    TaskEntry task = fw.tasks().get(kill.getTaskId());
    if (task == null) {
      Task done = fw.completed().get(kill.getTaskId());
      TaskStatus status =
          done != null && done.hasLatestStatus()
              ? done.getLatestStatus().toBuilder().clearUuid().setReason(TaskStatusReason.REASON_RECONCILIATION).build()
              : Statuses.master(fw.id(), kill.getTaskId(), kill.getAgentId(), TaskState.TASK_UNKNOWN,
                  TaskStatusReason.REASON_TASK_UNKNOWN, "kill: no such task", s.nowSeconds());
      fw.send(Statuses.update(status));
      return;
    }
    AgentEntry agent = s.agents.get(task.agentId());
    if (agent == null || !agent.isConnected()) {
      LOG.info("kill of {}/{}: agent {} is not connected; retry the kill later",
          fw.id(), task.taskId(), task.agentId());
      return;
    }
    AgentEvent.KillTask.Builder k =
        AgentEvent.KillTask.newBuilder().setFrameworkId(fw.id()).setTaskId(task.taskId());
    if (kill.hasKillPolicy()) {
      k.setKillPolicy(kill.getKillPolicy());
    } else {
      k.setKillPolicy(KillPolicy.getDefaultInstance());
    }
    agent.send(AgentEvent.newBuilder().setKillTask(k).build());
  }

  void reconcile(FrameworkEntry fw, SchedulerCall.Reconcile reconcile) {
    List<TaskStatus> out = new ArrayList<>();
    if (reconcile.getTasksCount() == 0) {
      for (TaskEntry t : fw.tasks().values()) {
        out.add(reconciled(fw, t));
      }
    } else {
      for (SchedulerCall.Reconcile.Task r : reconcile.getTasksList()) {
        boolean known = fw.tasks().containsKey(r.getTaskId()) || fw.completed().containsKey(r.getTaskId());
        if (!known && (recovery.awaiting(r.getAgentId()) || r.getAgentId().isEmpty() && recovery.recovering())) {
          // Its agent (or, with no agent named, any agent) has not re-registered with this
          // (new) master yet: answer once it has, or once it is given up on, rather than a
          // misleading TASK_UNKNOWN now (Mesos does not answer about transitioning agents).
          String fid = fw.id();
          Runnable later = () -> {
            FrameworkEntry current = s.frameworks.get(fid);
            if (current != null) {
              current.send(Statuses.update(answer(current, r)));
            }
          };
          if (r.getAgentId().isEmpty()) {
            recovery.whenRecovered(later);
          } else {
            recovery.whenSettled(r.getAgentId(), later);
          }
          continue;
        }
        out.add(answer(fw, r));
      }
    }
    if (!out.isEmpty()) {
      fw.send(Statuses.update(out));
    }
  }

  /** The latest state of one task the framework asks about. */
  private TaskStatus answer(FrameworkEntry fw, SchedulerCall.Reconcile.Task r) {
    TaskEntry t = fw.tasks().get(r.getTaskId());
    if (t != null) {
      return reconciled(fw, t);
    }
    Task done = fw.completed().get(r.getTaskId());
    if (done != null && done.hasLatestStatus()) {
      return done.getLatestStatus().toBuilder().clearUuid().setReason(TaskStatusReason.REASON_RECONCILIATION).build();
    }
    AgentEntry agent = s.agents.get(r.getAgentId());
    AgentRecord.State recorded = recovery.recorded(r.getAgentId());
    TaskState state;
    String message;
    if (agent != null && agent.status() == AgentEntry.Status.UNREACHABLE
        || agent == null && recorded == AgentRecord.State.UNREACHABLE) {
      state = TaskState.TASK_UNREACHABLE;
      message = "its agent " + r.getAgentId() + " is unreachable";
    } else if (agent == null && recorded == AgentRecord.State.GONE) {
      state = TaskState.TASK_GONE;
      message = "its agent " + r.getAgentId() + " was removed";
    } else {
      state = TaskState.TASK_UNKNOWN;
      message = "task unknown to the master";
    }
    return Statuses.master(fw.id(), r.getTaskId(), r.getAgentId(), state, TaskStatusReason.REASON_RECONCILIATION,
        message, s.nowSeconds());
  }

  private TaskStatus reconciled(FrameworkEntry fw, TaskEntry t) {
    TaskStatus base = t.latestStatus();
    if (base == null || base.getState() != t.state()) {
      return Statuses.master(fw.id(), t.taskId(), t.agentId(), t.state(),
          TaskStatusReason.REASON_RECONCILIATION, "", s.nowSeconds());
    }
    return base.toBuilder().clearUuid().setReason(TaskStatusReason.REASON_RECONCILIATION).build();
  }

  void frameworkMessage(FrameworkEntry fw, SchedulerCall.Message m) {
    AgentEntry agent = s.agents.get(m.getAgentId());
    if (agent == null || !agent.isConnected()) {
      fw.send(Statuses.error("MESSAGE", "agent " + m.getAgentId() + " is unknown or not connected", false));
      return;
    }
    agent.send(
        AgentEvent.newBuilder()
            .setMessage(
                AgentEvent.FrameworkMessage.newBuilder()
                    .setFrameworkId(fw.id())
                    .setExecutorId(m.getExecutorId())
                    .setData(m.getData()))
            .build());
  }

  void onExecutorMessage(AgentEntry agent, AgentCall.ExecutorMessage m) {
    FrameworkEntry fw = s.frameworks.get(m.getFrameworkId());
    if (fw == null) {
      return;
    }
    fw.send(
        SchedulerEvent.newBuilder()
            .setMessage(
                SchedulerEvent.Message.newBuilder()
                    .setAgentId(agent.id())
                    .setExecutorId(m.getExecutorId())
                    .setData(m.getData()))
            .build());
  }

  void onExecutorExited(AgentEntry agent, AgentCall.ExecutorExited exited) {
    book.executorGone(agent, new ExecutorKey(exited.getFrameworkId(), exited.getExecutorId()));
    FrameworkEntry fw = s.frameworks.get(exited.getFrameworkId());
    if (fw == null) {
      return;
    }
    SchedulerEvent.Failure.Builder f =
        SchedulerEvent.Failure.newBuilder().setAgentId(agent.id()).setExecutorId(exited.getExecutorId());
    if (exited.hasStatus()) {
      f.setStatus(exited.getStatus());
    }
    fw.send(SchedulerEvent.newBuilder().setFailure(f).build());
  }

  void shutdownFramework(AgentEntry agent, String frameworkId) {
    agent.send(
        AgentEvent.newBuilder()
            .setShutdownFramework(AgentEvent.ShutdownFramework.newBuilder().setFrameworkId(frameworkId))
            .build());
  }
}
