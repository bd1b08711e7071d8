package io.corral.master.core;

import io.corral.common.resources.PooledResources;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.ExecutorEntry;
import io.corral.master.state.ExecutorKey;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.OfferEntry;
import io.corral.master.state.TaskEntry;
import io.corral.master.validation.LaunchPlan;
import io.corral.http.auth.Acls;
import io.corral.master.validation.LaunchValidator;
import io.corral.master.validation.TaskRoles;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACCEPT: checks the offers, validates the tasks against them, books the launched tasks,
 * returns what is left of the offers, and sends the tasks to the agent. Whatever is
 * refused is reported to the framework; no resources are lost on any path.
 */
final class LaunchHandler {
  private static final Logger LOG = LoggerFactory.getLogger(LaunchHandler.class);

  private final MasterState s;
  private final OfferManager offers;
  private final Reservations reservations;

  LaunchHandler(MasterState state, OfferManager offers, Reservations reservations) {
    this.s = state;
    this.offers = offers;
    this.reservations = reservations;
  }

  void accept(FrameworkEntry fw, SchedulerCall.Accept accept) {
    Duration refuse = offers.refuseDuration(accept.hasFilters() ? accept.getFilters() : null);
    if (!s.mayAct()) {
      List<OfferEntry> held = new ArrayList<>();
      for (String id : accept.getOfferIdsList()) {
        OfferEntry o = s.offers.get(id);
        if (o != null && o.frameworkId().equals(fw.id())) {
          held.add(o);
        }
      }
      rejectAll(fw, accept, held, Duration.ZERO, TaskStatusReason.REASON_MASTER_NOT_LEADING,
          "this master cannot launch now: its ZooKeeper session is suspended or in doubt");
      return;
    }
    String offerProblem = null;
    String agentId = null;
    String role = null;
    List<OfferEntry> valid = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    if (accept.getOfferIdsCount() == 0) {
      offerProblem = "ACCEPT names no offers";
    }
    for (String id : accept.getOfferIdsList()) {
      OfferEntry offer = s.offers.get(id);
      if (!seen.add(id)) {
        offerProblem = "offer " + id + " is named twice";
      } else if (offer == null) {
        offerProblem = "offer " + id + " is unknown or no longer valid (rescinded, declined or used)";
      } else if (!offer.frameworkId().equals(fw.id())) {
        offerProblem = "offer " + id + " was not made to framework " + fw.id();
      } else {
        if (agentId != null && !agentId.equals(offer.agentId())) {
          offerProblem = "offers of different agents cannot be accepted together ("
              + agentId + ", " + offer.agentId() + ")";
        }
        if (role != null && !role.equals(offer.role())) {
          offerProblem = "offers for different roles cannot be accepted together (" + role + ", " + offer.role()
              + "): a task is charged to the role of its offers";
        }
        agentId = agentId == null ? offer.agentId() : agentId;
        role = role == null ? offer.role() : role;
        valid.add(offer);
      }
    }
    AgentEntry agent = agentId == null ? null : s.agents.get(agentId);
    if (offerProblem == null && (agent == null || !agent.isConnected())) {
      offerProblem = "agent " + agentId + " is no longer connected";
    }
    if (offerProblem != null) {
      rejectAll(fw, accept, valid, refuse, TaskStatusReason.REASON_INVALID_OFFERS, offerProblem);
      return;
    }
    PooledResources offered = PooledResources.EMPTY;
    for (OfferEntry o : valid) {
      offers.take(o.id());
      offered = offered.plus(o.resources());
    }
    s.metrics.offersAccepted.addAndGet(valid.size());
    offered = reserveOrUnreserve(fw, role, agent, offered, accept);
    Map<String, ExecutorInfo> running = new HashMap<>();
    Map<String, String> runningRoles = new HashMap<>();
    for (Map.Entry<ExecutorKey, ExecutorEntry> e : agent.executors().entrySet()) {
      if (e.getKey().frameworkId().equals(fw.id())) {
        running.put(e.getKey().executorId(), e.getValue().info());
        runningRoles.put(e.getKey().executorId(), e.getValue().role());
      }
    }
    TaskRoles.Stamped stamped = TaskRoles.stamp(role, accept.getTasksList(), runningRoles);
    LaunchPlan plan =
        LaunchValidator.validate(
            fw.id(),
            agent.id(),
            offered,
            stamped.tasks(),
            id -> fw.tasks().containsKey(id) || fw.completed().containsKey(id),
            running,
            user -> user.isEmpty() ? null // the framework's user, allowed when it subscribed
                : s.authorizer.check(Acls.Action.RUN_TASK, fw.info().getPrincipal(), user,
                    "launch by framework " + fw.id()).orElse(null),
            s.largestAgent);
    plan = s.schedulerTasks.admit(fw, plan);
    launch(fw, agent, role, plan);
    offers.recover(fw.id(), role, agent.id(), offered.minus(plan.used()), refuse);
    reportRejected(fw, agent.id(), stamped.rejected());
    reportRejected(fw, agent.id(), plan.rejected());
  }

  /** The ACCEPT's RESERVE and UNRESERVE; one not allowed is reported and leaves the offers as they were. */
  private PooledResources reserveOrUnreserve(FrameworkEntry fw, String role, AgentEntry agent,
      PooledResources offered, SchedulerCall.Accept accept) {
    if (accept.getReserveCount() == 0 && accept.getUnreserveCount() == 0) {
      return offered;
    }
    try {
      return reservations.inAccept(fw, role, agent, offered, PooledResources.fromProto(accept.getReserveList()),
          PooledResources.fromProto(accept.getUnreserveList()));
    } catch (IllegalArgumentException e) { // InvalidResourcesException too
      s.metrics.invalidCalls.incrementAndGet();
      LOG.info("refused RESERVE/UNRESERVE of framework {}: {}", fw.id(), e.getMessage());
      fw.send(Statuses.error("ACCEPT", e.getMessage(), false));
      return offered;
    }
  }

  private void launch(FrameworkEntry fw, AgentEntry agent, String role, LaunchPlan plan) {
    if (plan.accepted().isEmpty()) {
      return;
    }
    Instant now = s.now();
    List<TaskInfo> toRun = new ArrayList<>(plan.accepted().size());
    for (LaunchPlan.Accepted a : plan.accepted()) {
      TaskInfo task = a.task();
      if (task.hasExecutor()) {
        agent.executors().putIfAbsent(
            executorKey(fw, task), new ExecutorEntry(task.getExecutor(), a.newExecutor(), role));
      }
      TaskEntry entry = new TaskEntry(fw.id(), task, agent.id(), a.resources(), now);
      fw.tasks().put(task.getTaskId(), entry);
      agent.tasks().put(entry.key(), entry);
      s.schedulerTasks.add(entry);
      s.metrics.taskReached(TaskState.TASK_STAGING);
      toRun.add(task);
    }
    s.metrics.tasksLaunched.addAndGet(toRun.size());
    agent.send(
        AgentEvent.newBuilder()
            .setRunTasks(AgentEvent.RunTasks.newBuilder().setFramework(fw.info()).addAllTasks(toRun))
            .build());
    LOG.debug("launching {} task(s) of {} on agent {}", toRun.size(), fw.id(), agent.id());
  }

  private static ExecutorKey executorKey(FrameworkEntry fw, TaskInfo task) {
    return new ExecutorKey(fw.id(), task.getExecutor().getExecutorId());
  }

  private void rejectAll(
      FrameworkEntry fw,
      SchedulerCall.Accept accept,
      List<OfferEntry> valid,
      Duration refuse,
      TaskStatusReason reason,
      String problem) {
    s.metrics.invalidCalls.incrementAndGet();
    LOG.info("refused ACCEPT from framework {}: {}", fw.id(), problem);
    for (OfferEntry o : valid) {
      offers.take(o.id());
      offers.recover(fw.id(), o.role(), o.agentId(), o.resources(), refuse);
    }
    if (accept.getTasksCount() == 0) {
      fw.send(Statuses.error("ACCEPT", problem, false));
      return;
    }
    List<TaskStatus> statuses = new ArrayList<>();
    for (TaskInfo t : accept.getTasksList()) {
      statuses.add(
          Statuses.master(fw.id(), t.getTaskId(), t.getAgentId(), TaskState.TASK_DROPPED,
              reason, problem, s.nowSeconds()));
      s.metrics.taskReached(TaskState.TASK_DROPPED);
    }
    fw.send(Statuses.update(statuses));
  }

  private void reportRejected(FrameworkEntry fw, String agentId, List<LaunchPlan.Rejected> rejected) {
    if (rejected.isEmpty()) {
      return;
    }
    // A scheduler task waiting for its share is not an invalid launch.
    s.metrics.tasksInvalid.addAndGet(rejected.stream()
        .filter(r -> r.reason() != TaskStatusReason.REASON_SCHEDULER_TASK_SHARE).count());
    List<TaskStatus> statuses = new ArrayList<>(rejected.size());
    for (LaunchPlan.Rejected r : rejected) {
      LOG.info("refused task '{}' of framework {}: {}", r.task().getTaskId(), fw.id(), r.message());
      statuses.add(
          Statuses.master(fw.id(), r.task().getTaskId(), agentId, r.state(), r.reason(),
              r.message(), s.nowSeconds()));
      s.metrics.taskReached(r.state());
    }
    fw.send(Statuses.update(statuses));
  }
}
