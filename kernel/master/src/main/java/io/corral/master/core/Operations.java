package io.corral.master.core;

import io.corral.master.state.AgentEntry;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.TaskEntry;
import io.corral.protocol.SchedulerCall;
import java.time.Duration;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators do to a running cluster (HTTP API, CLI): tear a framework down, drain an agent
 * for maintenance and bring it back, kill a task. Runs on the master's loop.
 */
final class Operations {
  private static final Logger LOG = LoggerFactory.getLogger(Operations.class);

  private final MasterState s;
  private final OfferManager offers;
  private final FrameworkManager frameworks;
  private final StatusHandler statuses;
  private final AgentRecovery recovery;

  Operations(MasterState s, OfferManager offers, FrameworkManager frameworks, StatusHandler statuses,
      AgentRecovery recovery) {
    this.s = s;
    this.recovery = recovery;
    this.offers = offers;
    this.frameworks = frameworks;
    this.statuses = statuses;
  }

  OperatorResult teardown(String frameworkId) {
    FrameworkEntry fw = s.frameworks.get(frameworkId);
    if (fw == null) {
      return s.removedFrameworks.containsKey(frameworkId)
          ? OperatorResult.conflict("framework " + frameworkId + " was already removed")
          : OperatorResult.notFound("no framework " + frameworkId);
    }
    int tasks = fw.tasks().size();
    fw.send(Statuses.error("TEARDOWN", "framework " + frameworkId + " was torn down by an operator", true));
    frameworks.remove(fw, "an operator tore it down");
    return OperatorResult.done("framework " + frameworkId + " (" + fw.name() + ") torn down; " + tasks
        + " task(s) killed");
  }

  OperatorResult drain(String agentId, Duration grace) {
    AgentEntry agent = s.agents.get(agentId);
    if (agent == null) {
      return OperatorResult.notFound("no agent " + agentId);
    }
    if (agent.isDrained()) {
      return OperatorResult.conflict("agent " + agentId + " is already " + agent.maintenance().name().toLowerCase());
    }
    Duration g = grace == null ? s.config.drainGracePeriod() : grace;
    startDrain(agent, s.now().plus(g));
    recovery.recordDrain(agentId, agent.drainDeadline().toEpochMilli()); // a master elected later keeps it
    LOG.info("agent {} ({}) draining: no new offers; its {} task(s) have {} to finish", agentId,
        agent.hostname(), agent.tasks().size(), g);
    drainedIfEmpty(agent);
    return OperatorResult.done("agent " + agentId + " is " + agent.maintenance().name().toLowerCase()
        + (agent.tasks().isEmpty() ? "" : "; its " + agent.tasks().size() + " task(s) are killed after " + g));
  }

  private void startDrain(AgentEntry agent, java.time.Instant deadline) {
    offers.rescindAllOfAgent(agent);
    s.allocator.deactivateAgent(agent.id());
    Duration left = Duration.between(s.now(), deadline);
    agent.startDrain(deadline, s.loop.schedule(left.isNegative() ? Duration.ZERO : left, () -> killAll(agent.id())));
  }

  /**
   * An agent (re-)registered with this master: if an operator drained it, here or (as the registry
   * says) under an earlier leader, it stays out of service, its tasks killed at the recorded deadline.
   */
  void restoreDrain(AgentEntry agent) {
    if (agent.isDrained()) {
      s.allocator.deactivateAgent(agent.id()); // back (re-added to the allocator), still out of service
      return;
    }
    io.corral.master.registry.AgentRecord record = s.records.get(agent.id());
    if (record == null || !record.drained()) {
      return;
    }
    startDrain(agent, java.time.Instant.ofEpochMilli(record.drainUntilMillis()));
    LOG.info("agent {} ({}) is draining, as recorded in the registry; its {} task(s) are killed at {}", agent.id(),
        agent.hostname(), agent.tasks().size(), agent.drainDeadline());
    drainedIfEmpty(agent);
  }

  /** The grace period is over: kill what still runs on the agent. */
  private void killAll(String agentId) {
    AgentEntry agent = s.agents.get(agentId);
    if (agent == null || agent.maintenance() != AgentEntry.Maintenance.DRAINING) {
      return;
    }
    LOG.info("agent {} drain grace period over: killing {} task(s)", agentId, agent.tasks().size());
    for (TaskEntry t : new ArrayList<>(agent.tasks().values())) {
      FrameworkEntry fw = s.frameworks.get(t.frameworkId());
      if (fw != null) {
        statuses.kill(fw, SchedulerCall.Kill.newBuilder().setTaskId(t.taskId()).setAgentId(agentId).build());
      }
    }
  }

  /** A draining agent whose last task ended is drained. */
  static void drainedIfEmpty(AgentEntry agent) {
    if (agent.maintenance() == AgentEntry.Maintenance.DRAINING && agent.tasks().isEmpty()) {
      agent.drained();
      LOG.info("agent {} ({}) drained: no tasks left, no offers until it is undrained", agent.id(), agent.hostname());
    }
  }

  OperatorResult undrain(String agentId) {
    AgentEntry agent = s.agents.get(agentId);
    if (agent == null) {
      return OperatorResult.notFound("no agent " + agentId);
    }
    if (!agent.isDrained()) {
      return OperatorResult.conflict("agent " + agentId + " is not draining");
    }
    agent.undrain();
    recovery.recordDrain(agentId, io.corral.master.registry.AgentRecord.NOT_DRAINED);
    if (agent.status() != AgentEntry.Status.UNREACHABLE) {
      s.allocator.activateAgent(agentId);
      offers.requestAllocation();
    }
    LOG.info("agent {} ({}) undrained: offered again", agentId, agent.hostname());
    return OperatorResult.done("agent " + agentId + " is back in service");
  }

  OperatorResult kill(String frameworkId, String taskId) {
    FrameworkEntry fw = s.frameworks.get(frameworkId);
    if (fw == null) {
      return s.removedFrameworks.containsKey(frameworkId)
          ? OperatorResult.conflict("framework " + frameworkId + " was removed; none of its tasks runs")
          : OperatorResult.notFound("no framework " + frameworkId);
    }
    TaskEntry task = fw.tasks().get(taskId);
    if (task == null) {
      return fw.completed().containsKey(taskId)
          ? OperatorResult.conflict("task " + frameworkId + "/" + taskId + " already ended ("
              + fw.completed().get(taskId).getState() + ")")
          : OperatorResult.notFound("no task " + frameworkId + "/" + taskId);
    }
    AgentEntry agent = s.agents.get(task.agentId());
    if (agent == null || !agent.isConnected()) {
      return OperatorResult.conflict("agent " + task.agentId() + " of task " + frameworkId + "/" + taskId
          + " is not connected; try again when it is");
    }
    LOG.info("an operator kills task {}/{} on agent {}", frameworkId, taskId, task.agentId());
    statuses.kill(fw, SchedulerCall.Kill.newBuilder().setTaskId(taskId).setAgentId(task.agentId()).build());
    return OperatorResult.done("kill of " + frameworkId + "/" + taskId + " sent to agent " + task.agentId());
  }
}
