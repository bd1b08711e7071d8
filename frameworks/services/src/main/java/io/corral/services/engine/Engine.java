package io.corral.services.engine;

import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.DeploymentResult;
import io.corral.services.app.KillResult;
import io.corral.services.app.ServiceException;
import io.corral.services.app.ServicesSnapshot;
import io.corral.services.engine.OfferMatcher.Demand;
import io.corral.services.engine.OfferMatcher.Placed;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services framework's scheduler as one state machine: apps, their tasks and deployments, changed
 * only by the inputs below, each answering the effects to carry out ({@link Effect}: launches, kills,
 * declines, reconciliation, revive/suppress, what to store, events, the new snapshot) as data, for
 * {@link EffectRunner} to carry out. Inputs: the master's (registration, offers, status updates),
 * the API's commands, and a timer's ticks.
 *
 * <p><b>Threading:</b> not thread-safe; one loop owns it ({@link ServicesEngine} puts it on the
 * framework actor's loop), and its time is the given clock's, so tests drive it with a manual one.
 *
 * <p>A new leader builds it from the stored {@link EngineState}: the tasks stored are counted as
 * running until the master says otherwise (none is launched again), the deployments in flight carry
 * on; on registration every task is reconciled, and those the master does not know are replaced.
 */
public final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  private final EngineModel m;
  private final Supplier<UUID> ids;
  private final Converger converger;
  private final TaskTracker tracker;
  private final Commands commands;
  private final SnapshotBuilder snapshots = new SnapshotBuilder();

  /** An engine with no apps. */
  public Engine(EngineConfig config, Clock clock, Supplier<UUID> ids) {
    this(config, clock, ids, EngineState.EMPTY);
  }

  /** An engine resuming from {@code stored} (a new leader's). */
  public Engine(EngineConfig config, Clock clock, Supplier<UUID> ids, EngineState stored) {
    this.m = new EngineModel(config, clock);
    this.ids = ids;
    this.converger = new Converger(m);
    this.tracker = new TaskTracker(m);
    this.commands = new Commands(m, ids);
    stored.apps().forEach(a -> m.apps.put(a.id(), a));
    stored.instances().forEach(m.instances::put);
    stored.deployments().forEach(d -> m.deployments.put(d.id(), d));
    stored.failures().forEach(f -> m.failures.put(f.appId(), f));
  }

  /** The first snapshot, to publish before the framework registers. */
  public List<Effect> start() {
    Effects out = new Effects();
    out.add(new Effect.Snapshot(snapshots.build(m)));
    return out.drain();
  }

  /**
   * The master accepted the framework (anew: a new driver): reconcile every task. The framework id
   * is only shown ({@code /v2/info}); the instance keeps it in its store, not the engine.
   */
  public List<Effect> registered(String frameworkId) {
    Effects out = new Effects();
    if (!frameworkId.equals(m.frameworkId)) {
      m.frameworkId = frameworkId;
      m.stale = true;
    }
    m.suppressed = false;
    m.roles = List.of(m.config.frameworkRole()); // a new driver subscribes in the framework's own role
    reconcile(out);
    settle(out, converger.converge(out));
    return out.drain();
  }

  /** The driver subscribed again after losing its master: reconcile every task. */
  public List<Effect> reregistered() {
    Effects out = new Effects();
    reconcile(out);
    settle(out, converger.converge(out));
    return out.drain();
  }

  /** A round of offers: launches what fits, declines the rest. */
  public List<Effect> offers(List<Offer> offers) {
    Effects out = new Effects();
    List<Demand> demands = converger.converge(out);
    Map<String, List<Placed>> placed = OfferMatcher.match(offers, demands, placements(), m.config.frameworkRole());
    int waiting = demands.stream().mapToInt(Demand::count).sum();
    for (List<Placed> p : placed.values()) {
      waiting -= p.size();
    }
    double refuse = waiting > 0 ? m.config.busyRefuseSeconds() : m.config.idleRefuseSeconds();
    for (Offer offer : offers) {
      List<Placed> onOffer = placed.getOrDefault(offer.getId(), List.of());
      if (onOffer.isEmpty()) {
        out.add(new Effect.Decline(offer.getId(), refuse));
        continue;
      }
      List<TaskInfo> tasks = new ArrayList<>(onOffer.size());
      for (Placed p : onOffer) {
        tasks.add(launch(p, out));
      }
      out.add(new Effect.Launch(offer.getId(), tasks, refuse));
    }
    settle(out, waiting > 0);
    return out.drain();
  }

  /** A task's status update or reconciliation answer. */
  public List<Effect> status(TaskStatus status) {
    Effects out = new Effects();
    tracker.update(status, out);
    settle(out, converger.converge(out));
    return out.drain();
  }

  /**
   * Time passed (call it every second or so): launch delays end, unanswered kills are sent again,
   * tasks staging too long are killed, and every task is reconciled now and then.
   */
  public List<Effect> tick() {
    Effects out = new Effects();
    Instant now = m.now();
    m.backoff.expire(m.apps::get, m::configVersion, now);
    for (Instance i : List.copyOf(m.instances.all())) {
      if (i.killRequested() && !now.isBefore(i.killRequestedAt().plus(m.config.killRetry()))) {
        Instance again = i.killRequested(now);
        m.instances.put(again);
        out.add(Converger.kill(again, m.apps.get(i.appId())));
      } else if (!i.killRequested() && i.staged() && !now.isBefore(i.stagedAt().plus(m.config.launchTimeout()))) {
        LOG.info("killing task {} of {}: still {} after {}", i.taskId(), i.appId(), i.state(),
            m.config.launchTimeout());
        Instance killed = i.killRequested(now);
        m.putInstance(killed, out);
        out.add(Converger.kill(killed, m.apps.get(i.appId())));
      }
    }
    if (m.frameworkId != null && (m.lastReconcile == null
        || !now.isBefore(m.lastReconcile.plus(m.config.reconcileInterval())))) {
      reconcile(out);
    }
    settle(out, converger.converge(out));
    return out.drain();
  }

  public Result<DeploymentResult> createApp(AppDefinition app) {
    return command(out -> commands.createApp(app, out));
  }

  public Result<DeploymentResult> putApp(AppDefinition app, boolean force) {
    return command(out -> commands.putApp(app, force, out));
  }

  public Result<DeploymentResult> deleteApp(AppId id, boolean force) {
    return command(out -> commands.deleteApp(id, force, out));
  }

  public Result<DeploymentResult> restartApp(AppId id, boolean force) {
    return command(out -> commands.restartApp(id, force, out));
  }

  public Result<KillResult> killTasks(List<String> taskIds, boolean scale, boolean force) {
    return command(out -> commands.killTasks(taskIds, scale, force, out));
  }

  public Result<DeploymentResult> deleteDeployment(String id, boolean force) {
    return command(out -> commands.deleteDeployment(id, force, out));
  }

  /** The state as it would be stored (all of it). */
  public EngineState state() {
    return new EngineState(List.copyOf(m.apps.values()), List.copyOf(m.deployments.values()),
        List.copyOf(m.instances.all()), List.copyOf(m.failures.values()));
  }

  /** The current launch delay of an app in seconds (0 when none). */
  public double launchDelaySeconds(AppId app) {
    return m.backoff.seconds(app);
  }

  private <T> Result<T> command(Function<Effects, T> op) {
    Effects out = new Effects();
    T value;
    try {
      value = op.apply(out);
    } catch (ServiceException e) {
      return Result.refused(e);
    }
    settle(out, converger.converge(out));
    return new Result<>(value, null, out.drain());
  }

  private TaskInfo launch(Placed p, Effects out) {
    AppDefinition app = p.app();
    String taskId = app.id().taskIdPrefix() + "." + ids.get();
    TaskInfo task = TaskInfoFactory.build(app, taskId, p.offer(), p.resources(), p.ports());
    m.putInstance(new Instance(taskId, app.id(), app.version(), m.configVersion(app), p.offer().getAgentId(),
        p.offer().getHostname(), Placement.of(p.offer()).attributes(), p.ports(), TaskState.TASK_STAGING,
        task.hasHealthCheck(), null, null, m.now(), null, null, false), out);
    return task;
  }

  /** Where each app's tasks are, for the constraints (tasks on unreachable agents are elsewhere by now). */
  private Map<AppId, List<Placement>> placements() {
    Map<AppId, List<Placement>> out = new HashMap<>();
    for (Instance i : m.instances.all()) {
      if (!i.unreachable()) {
        out.computeIfAbsent(i.appId(), a -> new ArrayList<>()).add(i.placement());
      }
    }
    return out;
  }

  private void reconcile(Effects out) {
    List<TaskStatus> known = m.instances.all().stream().map(i -> TaskStatus.newBuilder().setTaskId(i.taskId())
        .setAgentId(i.agentId() == null ? "" : i.agentId()).setState(i.state()).build()).toList();
    if (!known.isEmpty()) {
      out.add(new Effect.Reconcile(known));
    }
    out.add(new Effect.Reconcile(List.of()));
    m.lastReconcile = m.now();
  }

  private void settle(Effects out, List<Demand> demands) {
    settle(out, !demands.isEmpty());
  }

  private void settle(Effects out, boolean wantOffers) {
    List<String> roles = m.rolesWanted();
    if (!roles.equals(m.roles)) { // an app of a role the framework is not in yet, or the last of one gone
      out.add(new Effect.Roles(roles, !wantOffers));
      m.roles = roles;
      m.suppressed = !wantOffers;
    } else if (wantOffers && m.suppressed) {
      out.add(new Effect.Revive());
      m.suppressed = false;
    } else if (!wantOffers && !m.suppressed) {
      out.add(new Effect.Suppress());
      m.suppressed = true;
    }
    if (snapshots.changed(m)) {
      out.add(new Effect.Snapshot(snapshots.build(m)));
    }
  }
}
