package io.corral.master.core;

import io.corral.common.loop.EventLoop;
import io.corral.common.net.Grpc;
import io.corral.common.net.StreamConnection;
import io.corral.master.MasterConfig;
import io.corral.master.allocator.DrfAllocator;
import io.corral.master.registry.AgentRecord;
import io.corral.master.registry.AgentRegistry;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.transport.MasterStreams;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's brain: receives every call from the streams, moves it onto the event loop,
 * and dispatches it to the component in charge. Owns the timers (allocation, pings,
 * heartbeats, offer timeouts).
 */
public final class MasterCore implements MasterStreams {
  private static final Logger LOG = LoggerFactory.getLogger(MasterCore.class);
  /** Anyone who reaches the port can make these repeat. */
  private final io.corral.common.log.ThrottledWarning unregisteredCall = new io.corral.common.log.ThrottledWarning(LOG);

  private final MasterState s;
  private final OfferManager offers;
  private final LaunchHandler launches;
  private final StatusHandler statuses;
  private final FrameworkManager frameworks;
  private final AgentManager agents;
  private final AgentRecovery recovery;
  private final Operations operations;
  private final Reservations reservations;
  private final RoleManager roles;
  private final Preemptions preemptions;
  private final PreemptionNotices notices;
  private final Map<Long, String> agentByConnection = new HashMap<>();
  private final Map<Long, String> frameworkByConnection = new HashMap<>();
  private final List<EventLoop.Cancellable> timers = new ArrayList<>();

  /**
   * @param registry where admitted, unreachable and gone agents are recorded (ZooKeeper, or
   *     memory for a master without an election)
   * @param leaseValid whether this master may act as the leader right now
   */
  public MasterCore(MasterConfig config, MasterInfo info, EventLoop loop, Clock clock, DrfAllocator allocator,
      AgentRegistry registry, BooleanSupplier leaseValid) {
    this.s = new MasterState(config, info, loop, clock, allocator, new MasterMetrics(), registry, leaseValid);
    this.offers = new OfferManager(s);
    TaskBook book = new TaskBook(s, offers, this::taskEnded);
    this.recovery = new AgentRecovery(s, book, new LargestAgent(s));
    this.notices = new PreemptionNotices(s, recovery);
    this.preemptions = new Preemptions(s, offers, recovery, notices);
    this.reservations = new Reservations(s, offers);
    this.launches = new LaunchHandler(s, offers, reservations);
    this.statuses = new StatusHandler(s, book, recovery);
    this.frameworks = new FrameworkManager(s, offers, book, statuses);
    this.operations = new Operations(s, offers, frameworks, statuses, recovery);
    this.agents = new AgentManager(s, offers, book, statuses, frameworks, recovery, operations);
    this.roles = new RoleManager(s, offers);
    config.roleWeights().forEach(allocator::setWeight);
  }

  /**
   * Enforces the quotas and weights a new leader loaded from {@code store} (runtime weights over
   * {@code --weights}), and saves later changes there.
   */
  public void installRoleSettings(io.corral.master.roles.RoleSettingsStore store,
      io.corral.master.roles.RoleSettings settings) {
    if (s.loop.inLoop()) {
      roles.install(store, settings);
    } else {
      s.loop.execute(() -> roles.install(store, settings));
    }
  }

  /**
   * Carries out the preemption notices a new leader loaded from {@code store} (once its agents are
   * back), and saves later ones there.
   */
  public void installNotices(io.corral.master.preemption.NoticeStore store,
      List<io.corral.master.preemption.Notice> notices) {
    if (s.loop.inLoop()) {
      this.notices.install(store, notices);
    } else {
      s.loop.execute(() -> this.notices.install(store, notices));
    }
  }

  /**
   * Starts recovering from the registry: the agents it admitted are expected back;
   * {@code recovered} runs (on the loop) once they are, or once the re-register timeout is over.
   *
   * <p>Called on the loop, it starts at once: agents and schedulers are served from the moment
   * the master opens, so their first calls may already be queued on the loop behind this one,
   * and they must find the registry in place (an admitted agent re-registers without a registry
   * write; a reconciliation of a task on an agent not back yet waits for the agent instead of
   * answering TASK_UNKNOWN).
   */
  public void recover(Map<String, AgentRecord> registry, Runnable recovered) {
    if (s.loop.inLoop()) {
      recovery.start(registry, recovered);
      notices.recoveryStarted();
    } else {
      s.loop.execute(() -> {
        recovery.start(registry, recovered);
        notices.recoveryStarted();
      });
    }
  }

  /** ZooKeeper suspended (true) or back (false): no offers and no launches while suspended. */
  public void setSuspended(boolean suspended) {
    s.loop.execute(() -> {
      s.suspended = suspended;
      if (suspended) {
        offers.rescindAll(); // offers of a leader in doubt must not be used
      } else {
        offers.requestAllocation();
      }
    });
  }

  /** A task ended (its books are settled): a preemption may have ended with it. */
  private void taskEnded(io.corral.master.state.TaskEntry task) {
    notices.taskEnded(task);
  }

  /** Starts the periodic work. */
  public void start() {
    s.loop.execute(
        () -> {
          // Every timer runs with a fixed delay, not at a fixed rate: after a stall of the loop (GC,
          // a starved machine) the work that queued up meanwhile (pongs, declines, updates) is
          // handled before the next run, and missed runs are not made up back to back (a burst of
          // pings checks would mark every agent unreachable at once).
          timers.add(s.loop.scheduleWithFixedDelay(s.config.allocationInterval(), () -> {
            offers.expireOffers();
            offers.allocateAll();
            preemptions.pass();
          }));
          timers.add(s.loop.scheduleWithFixedDelay(s.config.agentPingTimeout(), agents::pingTick));
          timers.add(s.loop.scheduleWithFixedDelay(s.config.heartbeatInterval(), frameworks::sendHeartbeats));
          if (!s.config.agentGoneTimeout().isZero()) {
            Duration every = s.config.agentGoneTimeout().dividedBy(4);
            timers.add(s.loop.scheduleWithFixedDelay(every.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1)
                : every, recovery::removeLongGone));
          }
        });
  }

  public void stop() {
    s.loop.execute(() -> timers.forEach(EventLoop.Cancellable::cancel));
  }

  public MasterMetrics metrics() {
    return s.metrics;
  }

  public MasterInfo info() {
    return s.masterInfo;
  }

  /** Runs a read-only view of the state on the loop (for tests, the CLI and the HTTP API). */
  public <T> CompletableFuture<T> query(Function<MasterView, T> reader) {
    return s.loop.submit(() -> reader.apply(new MasterView(s)));
  }

  // ---- operators --------------------------------------------------------------------------

  /** Removes a framework for good: its scheduler is told, its tasks killed. */
  public CompletableFuture<OperatorResult> teardownFramework(String frameworkId) {
    return s.loop.submit(() -> operations.teardown(frameworkId));
  }

  /** Takes an agent out of service: no new offers; its tasks are killed after {@code grace} (null: default). */
  public CompletableFuture<OperatorResult> drainAgent(String agentId, Duration grace) {
    return s.loop.submit(() -> operations.drain(agentId, grace));
  }

  /** Reserves free unreserved resources of a live agent for the roles they name. */
  public CompletableFuture<OperatorResult> reserve(String agentId, io.corral.common.resources.PooledResources wanted) {
    return s.loop.submit(() -> reservations.reserve(agentId, wanted));
  }

  /** Returns free dynamically reserved resources of a live agent to the shared pool. */
  public CompletableFuture<OperatorResult> unreserve(String agentId, io.corral.common.resources.PooledResources wanted) {
    return s.loop.submit(() -> reservations.unreserve(agentId, wanted));
  }

  /** Puts a drained or draining agent back into service. */
  public CompletableFuture<OperatorResult> undrainAgent(String agentId) {
    return s.loop.submit(() -> operations.undrain(agentId));
  }

  /** Kills one task as its framework's scheduler would. */
  public CompletableFuture<OperatorResult> killTask(String frameworkId, String taskId) {
    return s.loop.submit(() -> operations.kill(frameworkId, taskId));
  }

  /** Sets (or changes) a role's quota; {@code force} skips the check against the cluster's capacity. */
  public CompletableFuture<OperatorResult> setQuota(String role, io.corral.master.roles.Quota quota, boolean force) {
    return s.loop.submit(() -> roles.setQuota(role, quota, force)).thenCompose(f -> f);
  }

  /** Removes a role's quota. */
  public CompletableFuture<OperatorResult> removeQuota(String role) {
    return s.loop.submit(() -> roles.removeQuota(role)).thenCompose(f -> f);
  }

  /** Sets roles' weights (validated by the caller). */
  public CompletableFuture<OperatorResult> setWeights(Map<String, Double> weights) {
    return s.loop.submit(() -> roles.setWeights(weights)).thenCompose(f -> f);
  }

  // ---- agents ---------------------------------------------------------------------------

  @Override
  public void onAgentCall(StreamConnection<AgentEvent> conn, AgentCall call) {
    s.metrics.messagesIn.incrementAndGet();
    s.loop.execute(() -> handleAgentCall(conn, call));
  }

  // Calls are handled even if their stream closed meanwhile: they arrived while it was open,
  // in order (a scheduler's last call before it hangs up is often TEARDOWN).
  private void handleAgentCall(StreamConnection<AgentEvent> conn, AgentCall call) {
    if (call.hasRegister()) {
      if (!conn.isOpen()) {
        return; // its stream ended (its end is handled once, already or next): nothing may bind to it
      }
      if (refusedWithoutLease(conn)) {
        return;
      }
      agents.register(conn, call.getRegister(), agent -> agentByConnection.put(conn.id(), agent.id()));
      return;
    }
    String agentId = agentByConnection.get(conn.id());
    AgentEntry agent = agentId == null ? null : s.agents.get(agentId);
    if (agent == null || agent.connection() != conn) {
      s.metrics.invalidCalls.incrementAndGet();
      unregisteredCall.warn("call {} from unregistered agent stream {}; the first call must be REGISTER",
          call.getTypeCase(), conn);
      conn.send(AgentEvent.newBuilder()
          .setError(io.corral.protocol.Error.newBuilder().setCall(call.getTypeCase().name())
              .setMessage("not registered: the first call on a stream must be REGISTER"))
          .build());
      return;
    }
    switch (call.getTypeCase()) {
      case PONG -> agents.pong(agent, call.getPong());
      case UPDATES -> statuses.onAgentUpdates(agent, call.getUpdates().getUpdatesList());
      case MESSAGE -> statuses.onExecutorMessage(agent, call.getMessage());
      case EXECUTOR_EXITED -> statuses.onExecutorExited(agent, call.getExecutorExited());
      default -> {
        s.metrics.invalidCalls.incrementAndGet();
        LOG.warn("agent {} sent an empty or unknown call", agent.id());
        agent.send(AgentEvent.newBuilder()
            .setError(io.corral.protocol.Error.newBuilder().setCall(call.getTypeCase().name())
                .setMessage("unknown call type"))
            .build());
      }
    }
  }

  @Override
  public void onAgentStreamClosed(StreamConnection<AgentEvent> conn, Throwable cause) {
    s.loop.execute(
        () -> {
          String agentId = agentByConnection.remove(conn.id());
          AgentEntry agent = agentId == null ? null : s.agents.get(agentId);
          if (cause != null) {
            LOG.info("agent stream {} closed: {}", conn, cause.getMessage());
          }
          if (agent != null && agent.connection() == conn) {
            agents.disconnected(agent, cause);
          }
        });
  }

  // ---- schedulers -----------------------------------------------------------------------

  @Override
  public void onSchedulerCall(StreamConnection<SchedulerEvent> conn, SchedulerCall call) {
    s.metrics.messagesIn.incrementAndGet();
    s.loop.execute(() -> handleSchedulerCall(conn, call));
  }

  private void handleSchedulerCall(StreamConnection<SchedulerEvent> conn, SchedulerCall call) {
    String bound = frameworkByConnection.get(conn.id());
    if (call.hasSubscribe()) {
      if (!conn.isOpen()) {
        // Its stream ended before this was handled: binding a framework to the dead stream would leave
        // one that nothing ever disconnects (found by ProtocolFuzzIT: such ghosts held offers for good).
        // Other calls received while the stream was open (a TEARDOWN just before the close) still count.
        return;
      }
      if (refusedWithoutLease(conn)) {
        return;
      }
      if (bound != null) {
        FrameworkEntry current = s.frameworks.get(bound);
        if (current != null && current.connection() == conn) {
          invalid(conn, call, "this stream is already subscribed as framework " + bound);
          return;
        }
      }
      FrameworkEntry fw = frameworks.subscribe(conn, call.getSubscribe());
      if (fw != null) {
        frameworkByConnection.put(conn.id(), fw.id());
        notices.resubscribed(fw);
      }
      return;
    }
    FrameworkEntry fw = bound == null ? null : s.frameworks.get(bound);
    if (fw == null || fw.connection() != conn) {
      invalid(conn, call, bound == null
          ? "not subscribed: the first call on a stream must be SUBSCRIBE"
          : "framework " + bound + " is no longer subscribed on this stream");
      return;
    }
    if (!call.getFrameworkId().isEmpty() && !call.getFrameworkId().equals(fw.id())) {
      invalid(conn, call, "call names framework " + call.getFrameworkId() + " but this stream is " + fw.id());
      return;
    }
    switch (call.getTypeCase()) {
      case TEARDOWN -> {
        frameworks.teardown(fw);
        frameworkByConnection.remove(conn.id());
      }
      case ACCEPT -> launches.accept(fw, call.getAccept());
      case DECLINE -> offers.decline(fw, call.getDecline().getOfferIdsList(),
          call.getDecline().hasFilters() ? call.getDecline().getFilters() : null);
      case REVIVE -> frameworks.revive(fw, call.getRevive().getRolesList());
      case SUPPRESS -> frameworks.suppress(fw, call.getSuppress().getRolesList());
      case UPDATE_FRAMEWORK -> frameworks.update(fw, call.getUpdateFramework());
      case KILL -> statuses.kill(fw, call.getKill());
      case ACKNOWLEDGE -> statuses.acknowledge(fw, call.getAcknowledge());
      case RECONCILE -> statuses.reconcile(fw, call.getReconcile());
      case MESSAGE -> statuses.frameworkMessage(fw, call.getMessage());
      default -> invalid(conn, call, "empty or unknown call type");
    }
  }

  /**
   * A master that leads but has lost its lease (ZooKeeper unreachable: another master may be elected
   * before this one learns that its session expired) binds no new framework or agent: the stream is
   * ended as a standby ends it, and the client looks for the leader again. Streams already bound stay;
   * what they ask that needs the lease (launches, offers) is refused where it is handled.
   */
  private boolean refusedWithoutLease(StreamConnection<?> conn) {
    if (s.leaseValid.getAsBoolean()) {
      return false;
    }
    LOG.info("refused a subscription from {}: this master's lease on its leadership lapsed", conn.peer());
    conn.fail(Status.UNAVAILABLE.withDescription(Grpc.NOT_LEADER));
    return true;
  }

  private void invalid(StreamConnection<SchedulerEvent> conn, SchedulerCall call, String message) {
    s.metrics.invalidCalls.incrementAndGet();
    LOG.info("refused {} call from {}: {}", call.getTypeCase(), conn.peer(), message);
    conn.send(Statuses.error(call.getTypeCase().name(), message, false));
  }

  @Override
  public void onSchedulerStreamClosed(StreamConnection<SchedulerEvent> conn, Throwable cause) {
    s.loop.execute(
        () -> {
          String fid = frameworkByConnection.remove(conn.id());
          FrameworkEntry fw = fid == null ? null : s.frameworks.get(fid);
          if (fw != null && fw.connection() == conn) {
            frameworks.disconnected(fw, cause);
          } else if (cause != null) {
            LOG.debug("scheduler stream {} closed: {}", conn, cause.getMessage());
          }
        });
  }
}
