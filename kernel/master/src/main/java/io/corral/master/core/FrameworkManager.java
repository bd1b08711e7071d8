package io.corral.master.core;

import io.corral.master.state.AgentEntry;
import io.corral.master.state.ExecutorKey;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.TaskEntry;
import io.corral.common.loop.EventLoop;
import io.corral.common.net.StreamConnection;
import io.corral.protocol.AgentEvent;
import io.corral.common.security.Identity;
import io.corral.http.auth.Acls;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Framework subscriptions, disconnections, failover timeouts and removal. */
final class FrameworkManager {
  private static final Logger LOG = LoggerFactory.getLogger(FrameworkManager.class);
  /** Longest failover timeout accepted: a year. */
  private static final double MAX_FAILOVER_SECONDS = 365 * 24 * 3600.0;

  private final MasterState s;
  private final OfferManager offers;
  private final TaskBook book;
  private final StatusHandler statuses;

  FrameworkManager(MasterState state, OfferManager offers, TaskBook book, StatusHandler statuses) {
    this.s = state;
    this.offers = offers;
    this.book = book;
    this.statuses = statuses;
  }

  /** Returns the framework now bound to the connection, or null when refused. */
  FrameworkEntry subscribe(StreamConnection<SchedulerEvent> conn, SchedulerCall.Subscribe sub) {
    FrameworkInfo info = sub.getFrameworkInfo();
    String problem = validate(info);
    if (problem == null) {
      info = normalized(info);
      problem = suppressedRolesProblem(FrameworkEntry.rolesOf(info), sub.getSuppressedRolesList());
    }
    if (problem != null) {
      refuse(conn, problem);
      return null;
    }
    if (s.authorizer.enabled()) {
      String who = conn.identity().map(Identity::principal).orElse(null);
      problem = authorize(conn, info, who);
      if (problem != null) {
        refuse(conn, problem);
        return null;
      }
      info = info.toBuilder().setPrincipal(who).build();
    }
    Instant now = s.now();
    String id = info.getId();
    if (!id.isEmpty() && s.removedFrameworks.containsKey(id)) {
      refuse(conn, "framework " + id + " was removed and cannot subscribe again; subscribe without an id");
      return null;
    }
    FrameworkEntry fw = id.isEmpty() ? null : s.frameworks.get(id);
    boolean resubscribed = fw != null;
    if (fw == null) {
      if (id.isEmpty()) {
        id = s.ids.nextFrameworkId();
        info = info.toBuilder().setId(id).build();
      }
      fw = new FrameworkEntry(id, info, conn, now, s.config.maxCompletedTasksPerFramework());
      s.frameworks.put(id, fw);
      s.allocator.addFramework(id, fw.roles());
      LOG.info("framework {} ({}) subscribed in role{} {} as {} from {}",
          id, info.getName(), fw.roles().size() == 1 ? "" : "s", String.join(", ", fw.roles()), info.getUser(),
          conn.peer());
    } else {
      if (s.authorizer.enabled() && !fw.info().getPrincipal().equals(info.getPrincipal())) {
        refuse(conn, "framework " + id + " belongs to principal '" + fw.info().getPrincipal()
            + "'; principal '" + info.getPrincipal() + "' cannot take it over");
        return null;
      }
      StreamConnection<SchedulerEvent> old = fw.connection();
      if (old != null && old != conn && old.isOpen()) {
        old.send(Statuses.error("SUBSCRIBE", "framework failed over to a new scheduler at " + conn.peer(), true));
        old.complete();
        offers.rescindAllOfFramework(fw, false);
      }
      changeRoles(fw, info, false);
      fw.connected(conn);
      s.allocator.activateFramework(id);
      LOG.info("framework {} ({}) re-subscribed from {} with {} task(s)", id, info.getName(), conn.peer(), fw.tasks().size());
      notifyAgents(fw);
    }
    s.metrics.frameworksSubscribed.incrementAndGet();
    subscribeSuppressed(fw, sub.getSuppressed() ? fw.roles() : sub.getSuppressedRolesList());
    conn.send(
        SchedulerEvent.newBuilder()
            .setSubscribed(
                SchedulerEvent.Subscribed.newBuilder()
                    .setFrameworkId(id)
                    .setHeartbeatIntervalSeconds(s.config.heartbeatInterval().toMillis() / 1000.0)
                    .setMasterInfo(s.masterInfo)
                    .setResubscribed(resubscribed)
                    .addAllLargestAgent(s.largestAgent.toProto())
                    .addAllRoles(fw.roles()))
            .build());
    offers.requestAllocation();
    return fw;
  }

  /**
   * A subscription's suppression: offers for the {@code suppressed} roles stop, the framework's other
   * roles are revived (their filters cleared, as a scheduler subscribing again starts afresh).
   */
  private void subscribeSuppressed(FrameworkEntry fw, List<String> suppressed) {
    List<String> revived = new ArrayList<>(fw.roles());
    revived.removeAll(suppressed);
    fw.setSuppressed(fw.roles(), false);
    fw.setSuppressed(suppressed, true);
    if (!suppressed.isEmpty()) {
      s.allocator.suppress(fw.id(), suppressed);
    }
    if (!revived.isEmpty()) {
      s.allocator.revive(fw.id(), revived);
    }
  }

  /** Why {@code suppressed} (of a SUBSCRIBE or an UPDATE_FRAMEWORK) does not fit {@code roles}, or null. */
  private static String suppressedRolesProblem(List<String> roles, List<String> suppressed) {
    for (String r : suppressed) {
      if (!roles.contains(r)) {
        return "suppressed role " + r + " is not one of the framework's roles " + roles;
      }
    }
    return null;
  }

  /** A framework's info as the master keeps it: a framework naming no role is in {@code "*"}. */
  private static FrameworkInfo normalized(FrameworkInfo info) {
    return info.getRole().isEmpty() && info.getRolesCount() == 0 ? info.toBuilder().setRole("*").build() : info;
  }

  /**
   * Mesos' UPDATE_FRAMEWORK: the framework's roles (and name, failover timeout, labels, hostname)
   * change; refused with an Error naming why (and nothing changed) when the update is invalid.
   */
  void update(FrameworkEntry fw, SchedulerCall.UpdateFramework call) {
    FrameworkInfo info = call.getFrameworkInfo();
    if (info.getId().isEmpty()) {
      info = info.toBuilder().setId(fw.id()).build();
    }
    if (s.authorizer.enabled() && info.getPrincipal().isEmpty()) {
      info = info.toBuilder().setPrincipal(fw.info().getPrincipal()).build();
    }
    info = normalized(info);
    String problem = updateProblem(fw, info, call.getSuppressedRolesList());
    if (problem != null) {
      s.metrics.invalidCalls.incrementAndGet();
      LOG.info("refused UPDATE_FRAMEWORK of framework {}: {}", fw.id(), problem);
      fw.send(Statuses.error("UPDATE_FRAMEWORK", problem, false));
      return;
    }
    List<String> before = fw.roles();
    changeRoles(fw, info, true);
    Set<String> suppressed = new HashSet<>(call.getSuppressedRolesList());
    List<String> revived = new ArrayList<>(fw.suppressedRoles());
    revived.removeAll(suppressed);
    fw.setSuppressed(fw.roles(), false);
    fw.setSuppressed(suppressed, true);
    if (!revived.isEmpty()) {
      s.allocator.revive(fw.id(), revived);
    }
    if (!suppressed.isEmpty()) {
      s.allocator.suppress(fw.id(), suppressed);
    }
    LOG.info("framework {} ({}) updated: roles {} (were {}){}", fw.id(), info.getName(), fw.roles(), before,
        suppressed.isEmpty() ? "" : ", suppressed in " + new java.util.TreeSet<>(suppressed));
    offers.requestAllocation();
  }

  /** Why {@code info} cannot replace the framework's info, or null. */
  private String updateProblem(FrameworkEntry fw, FrameworkInfo info, List<String> suppressedRoles) {
    String problem = validate(info);
    if (problem != null) {
      return problem;
    }
    FrameworkInfo now = fw.info();
    if (!info.getId().equals(fw.id())) {
      return "an update names framework " + info.getId() + " but comes from framework " + fw.id();
    }
    if (!info.getUser().equals(now.getUser())) {
      return "the user of a framework cannot change (it is '" + now.getUser() + "'); subscribe a new framework";
    }
    if (!info.getPrincipal().equals(now.getPrincipal())) {
      return "the principal of a framework cannot change (it is '" + now.getPrincipal() + "')";
    }
    if (info.getCheckpoint() != now.getCheckpoint()) {
      return "checkpoint of a framework cannot change (it is " + now.getCheckpoint() + ")";
    }
    List<String> roles = FrameworkEntry.rolesOf(info);
    problem = suppressedRolesProblem(roles, suppressedRoles);
    if (problem != null) {
      return problem;
    }
    if (s.authorizer.enabled()) {
      for (String r : roles) {
        if (!fw.roles().contains(r)) {
          problem = s.authorizer.check(Acls.Action.REGISTER_FRAMEWORK, info.getPrincipal(), r,
              "UPDATE_FRAMEWORK of framework " + fw.id()).orElse(null);
          if (problem != null) {
            return problem;
          }
        }
      }
    }
    return null;
  }

  /**
   * Gives the framework {@code info} and the roles it names: offers for the roles it leaves are
   * rescinded (the framework told with {@code notify}); its tasks keep the role they were launched in
   * and count towards it until they end. Agents hear of the new info, so they report it to a new leader.
   */
  private void changeRoles(FrameworkEntry fw, FrameworkInfo info, boolean notify) {
    List<String> roles = FrameworkEntry.rolesOf(info);
    List<String> left = new ArrayList<>(fw.roles());
    left.removeAll(roles);
    boolean changed = !fw.info().equals(info);
    if (!left.isEmpty()) {
      offers.rescindOfRoles(fw, Set.copyOf(left), notify);
      fw.setSuppressed(left, false);
      LOG.info("framework {} leaves role(s) {}; its {} task(s) there keep their role until they end", fw.id(), left,
          fw.tasks().values().stream().filter(t -> left.contains(t.role())).count());
    }
    if (!roles.equals(fw.roles())) {
      s.allocator.updateRoles(fw.id(), roles);
    }
    fw.setInfo(info);
    if (changed && notify) {
      notifyAgents(fw);
    }
  }

  /**
   * Tells every agent the framework is back, so they resend its pending updates now rather
   * than at their next retry (updates of tasks that ended meanwhile are pending too, on
   * agents the master no longer links to the framework).
   */
  private void notifyAgents(FrameworkEntry fw) {
    AgentEvent update =
        AgentEvent.newBuilder()
            .setUpdateFramework(AgentEvent.UpdateFramework.newBuilder().setFramework(fw.info()))
            .build();
    for (AgentEntry agent : s.agents.values()) {
      if (agent.isConnected()) {
        agent.send(update);
      }
    }
  }

  /** Why an authenticated (or not) scheduler may not subscribe with {@code info}; null = it may. */
  private String authorize(StreamConnection<SchedulerEvent> conn, FrameworkInfo info, String principal) {
    String where = "SUBSCRIBE of framework '" + info.getName() + "' from " + conn.peer();
    if (principal == null) {
      return "authentication required: present a client certificate of the cluster's CA or a principal "
          + "and its secret";
    }
    if (!info.getPrincipal().isEmpty() && !info.getPrincipal().equals(principal)) {
      return "FrameworkInfo.principal '" + info.getPrincipal() + "' is not the authenticated principal '"
          + principal + "'";
    }
    for (String role : FrameworkEntry.rolesOf(info)) {
      String problem = s.authorizer.check(Acls.Action.REGISTER_FRAMEWORK, principal, role, where).orElse(null);
      if (problem != null) {
        return problem;
      }
    }
    return s.authorizer.check(Acls.Action.RUN_TASK, principal, info.getUser(), where).orElse(null);
  }

  private void refuse(StreamConnection<SchedulerEvent> conn, String problem) {
    s.metrics.invalidCalls.incrementAndGet();
    LOG.info("refused SUBSCRIBE from {}: {}", conn.peer(), problem);
    conn.send(Statuses.error("SUBSCRIBE", problem, true));
    conn.complete();
  }

  static String validate(FrameworkInfo info) {
    if (info.getName().isBlank()) {
      return "framework name is empty";
    }
    if (info.getName().length() > 256) {
      return "framework name is longer than 256 characters";
    }
    if (!info.getRole().isEmpty() && io.corral.common.roles.RoleNames.problem(info.getRole()) != null) {
      return "invalid role: " + io.corral.common.roles.RoleNames.problem(info.getRole());
    }
    if (info.getRolesCount() > 0 && !info.getRole().isEmpty()) {
      return "set either role (one role) or roles (several), not both";
    }
    Set<String> seen = new HashSet<>();
    for (String r : info.getRolesList()) {
      if (io.corral.common.roles.RoleNames.problem(r) != null) {
        return "invalid role in roles: " + io.corral.common.roles.RoleNames.problem(r);
      }
      if (!seen.add(r)) {
        return "roles names " + r + " twice";
      }
    }
    if (info.hasFailoverTimeout()) {
      double t = info.getFailoverTimeout();
      if (!(t >= 0) || t > MAX_FAILOVER_SECONDS) {
        return "failover_timeout must be between 0 and one year (in seconds): " + t;
      }
    }
    if (!info.getId().isEmpty() && io.corral.master.validation.Ids.problem("framework", info.getId()) != null) {
      return io.corral.master.validation.Ids.problem("framework", info.getId());
    }
    return null;
  }

  /** The scheduler's stream closed: keep its tasks until its failover timeout. */
  void disconnected(FrameworkEntry fw, Throwable cause) {
    Duration timeout = failoverTimeout(fw);
    LOG.info("framework {} ({}) disconnected{}; its tasks are kept for {}",
        fw.id(), fw.name(), cause == null ? "" : " (" + cause.getMessage() + ")", timeout);
    offers.rescindAllOfFramework(fw, false);
    s.allocator.deactivateFramework(fw.id());
    if (timeout.isZero()) {
      fw.disconnected(s.now(), null);
      remove(fw, "its scheduler disconnected and its failover timeout is 0");
      return;
    }
    fw.disconnected(s.now(), expireAfter(fw, timeout));
  }

  /**
   * A framework this (new) master learned of from an agent's re-registration: its scheduler has
   * its failover timeout, counted from this master's election, to subscribe again, but at least
   * the agent re-register timeout, since it must first find the new leader (with a timeout of 0
   * its tasks would otherwise die of the master's failover). The master does not keep failover
   * deadlines across elections (neither does Mesos, MESOS-4659): they start again at each.
   */
  void recovered(FrameworkEntry fw) {
    s.allocator.deactivateFramework(fw.id());
    Duration timeout = failoverTimeout(fw);
    if (timeout.compareTo(s.config.agentReregisterTimeout()) < 0) {
      timeout = s.config.agentReregisterTimeout();
    }
    Duration left = Duration.between(s.now(), s.electedAt.plus(timeout));
    LOG.info("framework {} ({}) recovered without its scheduler; it has {} to subscribe again", fw.id(), fw.name(),
        left.isNegative() ? Duration.ZERO : left);
    fw.disconnected(s.electedAt, expireAfter(fw, left.isNegative() ? Duration.ZERO : left));
  }

  private EventLoop.Cancellable expireAfter(FrameworkEntry fw, Duration delay) {
    String id = fw.id();
    Duration timeout = failoverTimeout(fw);
    return s.loop.schedule(delay, () -> {
      FrameworkEntry current = s.frameworks.get(id);
      if (current != null && !current.isConnected()) {
        remove(current, "its scheduler did not come back within its failover timeout of " + timeout);
      }
    });
  }

  Duration failoverTimeout(FrameworkEntry fw) {
    if (!fw.info().hasFailoverTimeout()) {
      return s.config.defaultFailoverTimeout();
    }
    return Duration.ofMillis((long) (fw.info().getFailoverTimeout() * 1000));
  }

  void teardown(FrameworkEntry fw) {
    remove(fw, "its scheduler tore it down");
  }

  /** Removes the framework for good: every task is killed, its resources returned. */
  void remove(FrameworkEntry fw, String why) {
    LOG.info("removing framework {} ({}): {}; killing {} task(s)", fw.id(), fw.name(), why, fw.tasks().size());
    fw.cancelFailoverTimer();
    offers.rescindAllOfFramework(fw, false);
    Set<AgentEntry> hosts = new HashSet<>();
    for (TaskEntry t : new ArrayList<>(fw.tasks().values())) {
      AgentEntry agent = s.agents.get(t.agentId());
      if (agent != null) {
        hosts.add(agent);
      }
      book.apply(t, Statuses.master(fw.id(), t.taskId(), t.agentId(), TaskState.TASK_KILLED,
          TaskStatusReason.REASON_FRAMEWORK_REMOVED, "framework removed: " + why, s.nowSeconds()));
    }
    for (AgentEntry agent : s.agents.values()) {
      List<ExecutorKey> mine = new ArrayList<>();
      for (ExecutorKey k : agent.executors().keySet()) {
        if (k.frameworkId().equals(fw.id())) {
          mine.add(k);
        }
      }
      for (ExecutorKey k : mine) {
        book.executorGone(agent, k);
        hosts.add(agent);
      }
    }
    // Every agent hears of it, not just those the master links to the framework: its command
    // executors (which the master does not track) stop now rather than when idle.
    for (AgentEntry agent : s.agents.values()) {
      if (agent.isConnected() || hosts.contains(agent)) {
        statuses.shutdownFramework(agent, fw.id());
      }
    }
    s.allocator.removeFramework(fw.id());
    s.frameworks.remove(fw.id());
    s.removedFrameworks.put(fw.id(), s.now());
    s.completedFrameworks.put(fw.id(), new io.corral.master.state.CompletedFramework(fw.id(), fw.info(),
        fw.registeredAt(), s.now(), why, List.copyOf(fw.completed().values())));
    s.metrics.frameworksRemoved.incrementAndGet();
    if (fw.connection() != null) {
      fw.connection().complete();
    }
  }

  /** Revives the roles named (none: all the framework's). */
  void revive(FrameworkEntry fw, List<String> roles) {
    List<String> named = named(fw, roles, "REVIVE");
    if (named != null) {
      fw.setSuppressed(named, false);
      s.allocator.revive(fw.id(), named);
      offers.requestAllocation();
    }
  }

  /** Suppresses the roles named (none: all the framework's). */
  void suppress(FrameworkEntry fw, List<String> roles) {
    List<String> named = named(fw, roles, "SUPPRESS");
    if (named != null) {
      fw.setSuppressed(named, true);
      s.allocator.suppress(fw.id(), named);
    }
  }

  /** The roles a SUPPRESS or REVIVE means, or null (and an Error sent) if it names one the framework is not in. */
  private List<String> named(FrameworkEntry fw, List<String> roles, String call) {
    if (roles.isEmpty()) {
      return fw.roles();
    }
    for (String r : roles) {
      if (!fw.roles().contains(r)) {
        s.metrics.invalidCalls.incrementAndGet();
        fw.send(Statuses.error(call, "framework " + fw.id() + " is not in role " + r + " (its roles: "
            + String.join(", ", fw.roles()) + ")", false));
        return null;
      }
    }
    return List.copyOf(new java.util.LinkedHashSet<>(roles));
  }

  void sendHeartbeats() {
    SchedulerEvent hb =
        SchedulerEvent.newBuilder().setHeartbeat(SchedulerEvent.Heartbeat.getDefaultInstance()).build();
    for (FrameworkEntry fw : s.frameworks.values()) {
      if (fw.isConnected()) {
        fw.send(hb);
      }
    }
  }
}
