package io.corral.master.core;

import io.corral.common.resources.InvalidResourcesException;
import io.corral.common.resources.PooledResources;
import io.corral.common.task.TaskStates;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.ExecutorEntry;
import io.corral.master.state.ExecutorKey;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.TaskEntry;
import io.corral.master.state.TaskKey;
import io.corral.common.net.StreamConnection;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.common.security.Identity;
import io.corral.http.auth.Acls;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.master.registry.AgentRecord;
import io.grpc.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Agent registration and re-registration, liveness (pings), and loss. */
final class AgentManager {
  private static final Logger LOG = LoggerFactory.getLogger(AgentManager.class);

  private final MasterState s;
  private final OfferManager offers;
  private final TaskBook book;
  private final StatusHandler statuses;
  private final FrameworkManager frameworks;
  private final AgentRecovery recovery;

  private final Operations operations;

  AgentManager(
      MasterState state,
      OfferManager offers,
      TaskBook book,
      StatusHandler statuses,
      FrameworkManager frameworks,
      AgentRecovery recovery,
      Operations operations) {
    this.s = state;
    this.operations = operations;
    this.offers = offers;
    this.book = book;
    this.statuses = statuses;
    this.frameworks = frameworks;
    this.recovery = recovery;
  }

  /**
   * Registers or re-registers an agent. The registry records a new (or returning) agent before
   * the agent is told it is registered, so a master elected later expects it back; {@code bound}
   * is then called with the agent now served on this connection.
   */
  void register(StreamConnection<AgentEvent> conn, AgentCall.Register reg, Consumer<AgentEntry> bound) {
    AgentInfo info = reg.getAgentInfo();
    String problem = validate(info);
    if (problem == null && s.authorizer.enabled()) {
      problem = authorize(conn, info);
    }
    if (problem != null) {
      refuse(conn, problem);
      return;
    }
    String id = info.getId();
    AgentRecord record = id.isEmpty() ? null : s.records.get(id);
    if (record != null && record.state() == AgentRecord.State.GONE) {
      shutdownGone(conn, id);
      return;
    }
    AgentEntry agent = id.isEmpty() ? null : s.agents.get(id);
    if (agent != null && agent.connection() != null && agent.connection() != conn
        && agent.connection().isOpen() && agent.status() == AgentEntry.Status.ACTIVE) {
      boolean sameEndpoint = agent.info().getHostname().equals(info.getHostname())
          && agent.info().getPort() == info.getPort();
      if (!sameEndpoint) {
        refuse(conn, "agent id " + id + " is already registered by " + agent.info().getHostname()
            + ":" + agent.info().getPort() + " (connected from " + agent.connection().peer()
            + "); refusing " + info.getHostname() + ":" + info.getPort());
        return;
      }
      // The same agent reconnected before its old stream was noticed to be dead.
      agent.connection().fail(Status.ABORTED.withDescription("replaced by a newer connection"));
    }
    AgentInfo withId = id.isEmpty() ? info.toBuilder().setId(s.ids.nextAgentId()).build() : info;
    if (record != null && record.state() == AgentRecord.State.ADMITTED) {
      finish(conn, reg, withId, bound);
      return;
    }
    AgentRecord admitted = record == null ? new AgentRecord(AgentRecord.State.ADMITTED, s.clock.millis())
        : record.withState(AgentRecord.State.ADMITTED, s.clock.millis());
    s.registry.put(withId.getId(), admitted).whenComplete((v, error) -> s.loop.execute(() -> {
      if (error != null) {
        LOG.warn("could not record agent {} in the registry: {}", withId.getId(), error.toString());
        conn.send(AgentEvent.newBuilder().setError(io.corral.protocol.Error.newBuilder().setCall("REGISTER")
            .setMessage("the master could not record this agent in its registry; retry")).build());
        conn.fail(Status.UNAVAILABLE.withDescription("registry write failed"));
        return;
      }
      s.records.put(withId.getId(), admitted);
      if (conn.isOpen()) {
        finish(conn, reg, withId, bound);
      }
    }));
  }

  private void finish(StreamConnection<AgentEvent> conn, AgentCall.Register reg, AgentInfo info,
      Consumer<AgentEntry> bound) {
    Instant now = s.now();
    String id = info.getId();
    AgentEntry agent;
    if (reg.getAgentInfo().getId().isEmpty()) {
      agent = new AgentEntry(id, info, conn, now);
      s.agents.put(id, agent);
      s.allocator.addAgent(id, agent.resources());
      s.metrics.agentsRegistered.incrementAndGet();
      LOG.info("agent {} registered from {} ({}:{}) with {}", id, conn.peer(), info.getHostname(),
          info.getPort(), agent.resources());
    } else {
      agent = reregister(s.agents.get(id), info, conn, reg, now);
    }
    operations.restoreDrain(agent);
    bound.accept(agent);
    conn.send(
        AgentEvent.newBuilder()
            .setRegistered(
                AgentEvent.Registered.newBuilder()
                    .setAgentId(id)
                    .setMasterInfo(s.masterInfo)
                    .setPingIntervalSeconds(s.config.agentPingTimeout().toMillis() / 1000.0))
            .build());
    recovery.agentBack(id);
    offers.requestAllocation();
  }

  /** A gone agent came back: it must drop everything and register as a new agent. */
  private void shutdownGone(StreamConnection<AgentEvent> conn, String id) {
    LOG.warn("agent {} came back from {} but was removed for good; telling it to shut down its tasks", id, conn.peer());
    conn.send(AgentEvent.newBuilder().setShutdownAgent(AgentEvent.ShutdownAgent.newBuilder()
        .setReason("agent " + id + " was unreachable for longer than " + s.config.agentGoneTimeout()
            + " and was removed; its tasks were reported TASK_GONE")).build());
    conn.complete();
  }

  private AgentEntry reregister(
      AgentEntry known, AgentInfo info, StreamConnection<AgentEvent> conn, AgentCall.Register reg, Instant now) {
    String id = info.getId();
    AgentEntry agent = known;
    if (agent == null) {
      agent = new AgentEntry(id, info, conn, now);
      s.agents.put(id, agent);
    } else {
      if (agent.status() != AgentEntry.Status.UNREACHABLE) {
        offers.rescindAllOfAgent(agent);
      }
      s.allocator.removeAgent(id);
      agent.reregistered(info, conn, now);
    }
    s.allocator.addAgent(id, agent.resources());
    s.metrics.agentsReregistered.incrementAndGet();
    for (FrameworkInfo f : reg.getFrameworksList()) {
      recoverFramework(agent, f);
    }
    agent.executors().clear();
    for (ExecutorInfo e : reg.getExecutorsList()) {
      PooledResources r = safeResources(e.getResourcesList());
      FrameworkEntry fw = s.frameworks.get(e.getFrameworkId());
      String role = roleOf(e.getRole(), fw);
      agent.executors().put(new ExecutorKey(e.getFrameworkId(), e.getExecutorId()), new ExecutorEntry(e, r, role));
      if (fw != null) {
        s.allocator.addAllocation(e.getFrameworkId(), role, id, r);
      }
    }
    Set<TaskKey> reported = new HashSet<>();
    for (Task t : reg.getTasksList()) {
      reported.add(new TaskKey(t.getFrameworkId(), t.getTaskId()));
      recoverTask(agent, t);
    }
    for (TaskEntry t : new ArrayList<>(agent.tasks().values())) {
      if (!reported.contains(t.key())) {
        LOG.info("task {} is gone: agent {} re-registered without it", t.key(), id);
        TaskStatus lost = Statuses.master(t.frameworkId(), t.taskId(), id, TaskState.TASK_LOST,
            TaskStatusReason.REASON_AGENT_REREGISTERED, "agent re-registered without this task", s.nowSeconds());
        book.apply(t, lost);
        sendToFramework(t.frameworkId(), lost);
      }
    }
    LOG.info("agent {} re-registered from {} with {} task(s) and {} executor(s)", id, conn.peer(),
        reg.getTasksCount(), reg.getExecutorsCount());
    return agent;
  }

  private void recoverFramework(AgentEntry agent, FrameworkInfo f) {
    if (f.getId().isEmpty() || s.frameworks.containsKey(f.getId())) {
      return;
    }
    if (s.removedFrameworks.containsKey(f.getId())) {
      statuses.shutdownFramework(agent, f.getId());
      return;
    }
    // Known to the agent but not to this master (it failed over): keep it, disconnected,
    // until its scheduler re-subscribes or its failover timeout ends.
    FrameworkEntry fw = new FrameworkEntry(f.getId(), f, null, s.now(), s.config.maxCompletedTasksPerFramework());
    s.frameworks.put(fw.id(), fw);
    s.allocator.addFramework(fw.id(), fw.roles());
    LOG.info("recovered framework {} ({}) from agent {}", fw.id(), fw.name(), agent.id());
    frameworks.recovered(fw);
  }

  private void recoverTask(AgentEntry agent, Task t) {
    FrameworkEntry fw = s.frameworks.get(t.getFrameworkId());
    if (fw == null) {
      return; // removed framework: the agent was told to shut it down
    }
    PooledResources r = safeResources(t.getResourcesList());
    TaskEntry known = fw.tasks().get(t.getTaskId());
    if (known == null) {
      if (TaskStates.isTerminal(t.getState())) {
        return; // its terminal update is still being delivered by the agent
      }
      TaskEntry entry = new TaskEntry(t.getFrameworkId(), t.getTaskId(), agent.id(), t.getExecutorId(),
          t.getName(), r, s.now(), t.getState(), t.hasLatestStatus() ? t.getLatestStatus() : null,
          t.getSchedulerTask(), roleOf(t.getRole(), fw));
      fw.tasks().put(entry.taskId(), entry);
      agent.tasks().put(entry.key(), entry);
      s.schedulerTasks.add(entry);
      s.allocator.addAllocation(fw.id(), entry.role(), agent.id(), r);
      return;
    }
    if (!TaskStates.isTerminal(known.state())) {
      s.allocator.addAllocation(fw.id(), known.role(), agent.id(), known.resources());
    }
    if (known.state() != t.getState()) {
      TaskStatus status = t.hasLatestStatus() && t.getLatestStatus().getState() == t.getState()
          ? t.getLatestStatus().toBuilder().clearUuid().setReason(TaskStatusReason.REASON_AGENT_REREGISTERED).build()
          : Statuses.master(fw.id(), t.getTaskId(), agent.id(), t.getState(),
              TaskStatusReason.REASON_AGENT_REREGISTERED, "agent re-registered", s.nowSeconds());
      if (book.apply(known, status)) {
        sendToFramework(fw.id(), status);
      }
    }
  }

  /**
   * The role an agent reports a task or executor in; one launched before tasks had roles (empty) is
   * in its framework's (first) role.
   */
  private static String roleOf(String reported, FrameworkEntry fw) {
    if (!reported.isEmpty()) {
      return reported;
    }
    return fw == null ? io.corral.common.roles.RoleNames.DEFAULT : fw.role();
  }

  private void sendToFramework(String frameworkId, TaskStatus status) {
    FrameworkEntry fw = s.frameworks.get(frameworkId);
    if (fw != null) {
      fw.send(Statuses.update(status));
    }
  }

  private static PooledResources safeResources(List<io.corral.protocol.Resource> resources) {
    try {
      return PooledResources.fromProto(resources);
    } catch (InvalidResourcesException e) {
      return PooledResources.EMPTY;
    }
  }

  /** Agents prove who they are with a certificate of the cluster's CA (mutual TLS), never a secret. */
  private String authorize(StreamConnection<AgentEvent> conn, AgentInfo info) {
    String where = "registration of agent " + info.getHostname() + ":" + info.getPort() + " from " + conn.peer();
    Identity who = conn.identity().orElse(null);
    if (who == null || who.method() != Identity.Method.CERTIFICATE) {
      return "agents must present a client certificate of the cluster's CA (mutual TLS)";
    }
    return s.authorizer.check(Acls.Action.REGISTER_AGENT, who.principal(), null, where).orElse(null);
  }

  private void refuse(StreamConnection<AgentEvent> conn, String problem) {
    s.metrics.invalidCalls.incrementAndGet();
    LOG.warn("refused agent registration from {}: {}", conn.peer(), problem);
    conn.send(AgentEvent.newBuilder()
        .setError(io.corral.protocol.Error.newBuilder().setCall("REGISTER").setMessage(problem).setFatal(true))
        .build());
    conn.complete();
  }

  static String validate(AgentInfo info) {
    if (info.getHostname().isBlank()) {
      return "agent hostname is empty";
    }
    if (info.getPort() < 0 || info.getPort() > 65535) {
      return "agent port out of range: " + info.getPort();
    }
    try {
      if (PooledResources.fromProto(info.getResourcesList()).isEmpty()) {
        return "agent offers no resources";
      }
    } catch (InvalidResourcesException e) {
      return "invalid agent resources: " + e.getMessage();
    }
    try {
      AgentEntry.pools(info);
    } catch (InvalidResourcesException e) {
      return "invalid dynamic reservations of the agent: " + e.getMessage()
          + "; restart it with its earlier --resources, or remove its work dir's meta/reservations.pb";
    }
    if (!info.getId().isEmpty() && io.corral.master.validation.Ids.problem("agent", info.getId()) != null) {
      return io.corral.master.validation.Ids.problem("agent", info.getId());
    }
    return null;
  }

  void pong(AgentEntry agent, AgentCall.Pong pong) {
    agent.ponged(pong.getSeq());
    io.corral.protocol.FetcherCounters c = pong.getFetcher();
    // uint64 on the wire: beyond 2^63 - 1 they read as negative, and no agent fetches that much.
    if (c.getFetched() < 0 || c.getCacheHits() < 0 || c.getBytesDownloaded() < 0 || c.getFailures() < 0) {
      s.metrics.invalidCalls.incrementAndGet();
      LOG.warn("agent {} sent fetcher counters out of range; they are ignored: {}", agent.id(),
          com.google.protobuf.TextFormat.shortDebugString(c));
      agent.send(AgentEvent.newBuilder()
          .setError(io.corral.protocol.Error.newBuilder().setCall("PONG")
              .setMessage("fetcher counters out of range (above 2^63 - 1): ignored"))
          .build());
      return;
    }
    agent.fetcherCounters(c);
  }

  /** The agent's stream closed: stop offering it; pings decide whether it is lost. */
  void disconnected(AgentEntry agent, Throwable cause) {
    if (agent.status() == AgentEntry.Status.UNREACHABLE) {
      return;
    }
    LOG.info("agent {} disconnected{}", agent.id(), cause == null ? "" : " (" + cause.getMessage() + ")");
    agent.disconnected(s.now());
    offers.rescindAllOfAgent(agent);
    s.allocator.deactivateAgent(agent.id());
  }

  /** Called every ping timeout: counts missed pings and pings again. */
  void pingTick() {
    int max = s.config.maxAgentPingTimeouts();
    for (AgentEntry agent : new ArrayList<>(s.agents.values())) {
      if (agent.status() == AgentEntry.Status.UNREACHABLE) {
        continue;
      }
      int missed = agent.tickPing();
      if (missed >= max) {
        markUnreachable(agent, missed);
      } else if (agent.isConnected()) {
        agent.send(AgentEvent.newBuilder()
            .setPing(AgentEvent.Ping.newBuilder().setSeq(agent.nextPingSeq()))
            .build());
      }
    }
  }

  private void markUnreachable(AgentEntry agent, int missed) {
    LOG.warn("agent {} ({}) missed {} pings in a row: marking it unreachable; {} task(s) reported TASK_UNREACHABLE",
        agent.id(), agent.hostname(), missed, agent.tasks().size());
    offers.rescindAllOfAgent(agent);
    s.allocator.removeAgent(agent.id());
    agent.setStatus(AgentEntry.Status.UNREACHABLE, s.now());
    recovery.recordUnreachable(agent.id());
    if (agent.connection() != null) {
      agent.connection().fail(Status.UNAVAILABLE.withDescription("agent marked unreachable"));
    }
    s.metrics.agentsUnreachable.incrementAndGet();
    for (TaskEntry t : new ArrayList<>(agent.tasks().values())) {
      TaskStatus status = Statuses.master(t.frameworkId(), t.taskId(), agent.id(), TaskState.TASK_UNREACHABLE,
          TaskStatusReason.REASON_AGENT_UNREACHABLE,
          "agent " + agent.id() + " (" + agent.hostname() + ") is unreachable", s.nowSeconds());
      if (book.apply(t, status)) {
        sendToFramework(t.frameworkId(), status);
      }
    }
    SchedulerEvent lost = SchedulerEvent.newBuilder()
        .setFailure(SchedulerEvent.Failure.newBuilder().setAgentId(agent.id()))
        .build();
    for (FrameworkEntry fw : s.frameworks.values()) {
      fw.send(lost);
    }
  }
}
