package io.corral.storm;

import io.corral.bridges.common.Fleet.Member;
import io.corral.bridges.common.FrameworkActor;
import io.corral.bridges.common.OfferDemand;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.SchedulerEvent.PreemptionNotice;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Nimbus's Corral framework: subscribes (failing over to the framework id kept in ZooKeeper),
 * launches Supervisor executors from offers for the slots Storm's scheduler is missing, retires idle
 * ones, answers preemption notices by moving the named Supervisors' workers before they go, and
 * takes its Supervisors back after a Nimbus restart (reconciliation).
 *
 * <p>Threads: a {@link FrameworkActor} ("corral-storm-framework") owns the {@link SupervisorFleet};
 * Corral's callbacks (this {@link Scheduler}) run on it, and Nimbus's scheduling rounds only post
 * work to it.
 */
final class StormFramework implements Scheduler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StormFramework.class);
  private static final double IDLE_REFUSE_SECONDS = 30;
  private static final double BUSY_REFUSE_SECONDS = 1;

  private final FrameworkActor actor;
  private final FrameworkInfo info;
  private final String master;
  private final ZkFrameworkId idStore;
  private final SupervisorFleet fleet;
  private final OfferDemand demand;
  private final SupervisorCommand command;
  private final Map<String, Object> clusterSettings;

  /**
   * @param actor the loop and driver (its master: {@code master})
   * @param info the framework (no id: the stored one is used)
   * @param clusterSettings the Storm settings every Supervisor and worker gets
   */
  StormFramework(FrameworkActor actor, FrameworkInfo info, String master, ZkFrameworkId idStore,
      SupervisorFleet.Sizing sizing, SupervisorCommand command, Map<String, Object> clusterSettings) {
    this.actor = actor;
    this.info = info;
    this.master = master;
    this.idStore = idStore;
    this.fleet = new SupervisorFleet(sizing, actor.loop(), actor.clock(), this::release);
    this.demand = new OfferDemand(actor, BUSY_REFUSE_SECONDS, IDLE_REFUSE_SECONDS);
    this.command = command;
    this.clusterSettings = Map.copyOf(clusterSettings);
  }

  /**
   * Subscribes, as the stored framework if there is one; waits up to {@code waitSeconds} for the
   * master. Fails when the master refuses the framework (its credentials, its role).
   */
  void start(long waitSeconds) throws Exception {
    FrameworkInfo.Builder b = info.toBuilder();
    idStore.load().ifPresent(id -> {
      LOG.info("failing over to Corral framework {} (kept in ZooKeeper at {})", id, idStore.path());
      b.setId(id);
    });
    actor.subscribe(b.build(), this);
    try {
      String id = actor.registration().get(waitSeconds, TimeUnit.SECONDS);
      LOG.info("registered with Corral master {} as framework {}; Supervisors' Storm {}", master, id,
          command.source());
    } catch (ExecutionException e) {
      actor.driver().abort();
      throw new IllegalStateException("the Corral master " + master + " refused the Nimbus's framework: "
          + e.getCause().getMessage());
    } catch (TimeoutException e) {
      LOG.warn("not registered with the Corral master {} after {} s; still trying (no Supervisor can start until then)",
          master, waitSeconds);
    }
  }

  /** A scheduling round's outcome (Nimbus's thread). */
  void observe(SupervisorFleet.Observation o) {
    actor.execute(() -> {
      fleet.observe(o);
      if (fleet.wanted() > 0 && demand.suppressed()) {
        LOG.info("Storm needs {} more worker slot(s); asking for offers", fleet.wanted());
        demand.revive();
      }
    });
  }

  /** Supervisors Storm must not schedule onto (Nimbus's thread; waits for the actor). */
  SupervisorFleet.Withheld withheld() {
    try {
      return actor.submit(fleet::withheld).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("could not read the Supervisors' state: {}", e.toString());
      return SupervisorFleet.Withheld.NONE;
    }
  }

  @Override
  public void close() {
    actor.close(true); // failover: the Supervisors and workers keep running for the next Nimbus
  }

  // ---- on the actor's loop ----

  @Override
  public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
    Map<String, List<TaskInfo>> byOffer = new LinkedHashMap<>();
    for (SupervisorFleet.Launch l : fleet.place(offers)) {
      Offer o = l.offer();
      String name = "storm supervisor " + l.supervisorId() + " (" + info.getName() + ")";
      ExecutorInfo executor = ExecutorInfo.newBuilder().setExecutorId(l.supervisorId()).setName(name)
          .setCommand(command.build(yaml(l))).build();
      TaskInfo task = TaskInfo.newBuilder().setTaskId(l.supervisorId()).setName(name).setAgentId(o.getAgentId())
          .addAllResources(l.resources().toProto()).setExecutor(executor).build();
      LOG.info("launching Supervisor {} on {} ({}) with {} slot(s) {} and {}", l.supervisorId(), o.getHostname(),
          o.getAgentId(), l.slotPorts().size(), l.slotPorts(), l.resources());
      byOffer.put(o.getId(), List.of(task));
    }
    demand.answer(offers, byOffer, fleet.wanted() > 0);
  }

  /** The Supervisor's storm.yaml: the cluster's settings, then what is its own. */
  private String yaml(SupervisorFleet.Launch l) {
    Map<String, Object> own = new LinkedHashMap<>(clusterSettings);
    own.put("storm.local.hostname", l.offer().getHostname());
    own.put("supervisor.thrift.port", l.thriftPort());
    own.put("supervisor.slots.ports", l.slotPorts());
    return StormYaml.render(own);
  }

  /**
   * The master will kill these Supervisors at the deadline: the idle ones go now, the others once
   * their workers moved (see {@link SupervisorFleet}).
   */
  @Override
  public void preemptionNotice(SchedulerDriver d, PreemptionNotice notice) {
    Instant deadline = Instant.ofEpochMilli(Math.round(notice.getDeadlineSeconds() * 1000));
    List<String> ids = notice.getTasksList().stream().map(PreemptionNotice.Task::getTaskId).toList();
    SupervisorFleet.Answer a = fleet.noticed(ids, deadline);
    if (!a.released().isEmpty() || !a.draining().isEmpty()) {
      LOG.info("preemption notice for role {}: Supervisor(s) {} released now (no worker); workers of {} move before {}",
          notice.getRole(), a.released(), a.draining(), deadline);
    }
  }

  @Override
  public void statusUpdate(SchedulerDriver d, TaskStatus s) {
    Member<SupervisorFleet.Supervisor> ended = fleet.update(s.getTaskId(), s.getAgentId(), s.getState());
    if (ended != null) {
      String how = "Supervisor " + ended.key() + " on " + ended.executor().host() + " ended " + s.getState()
          + (s.getMessage().isEmpty() ? "" : ": " + s.getMessage());
      if (s.getReason() == TaskStatusReason.REASON_PREEMPTED) {
        LOG.warn("{}: killed at the preemption deadline before its workers could move (no free slot); Storm "
            + "reassigns them at once, and slots are asked for again", how);
      } else if (!ended.live()) {
        LOG.info("{} (released)", how);
      } else {
        LOG.warn("{}; Storm will reassign its workers and slots will be asked for again", how);
      }
    }
    if (s.getState() == TaskState.TASK_UNREACHABLE) {
      d.killTask(s.getTaskId()); // should its agent come back, the Supervisor must not
    }
  }

  /** An idle Supervisor's time is up, or a preempted one has no worker left (see {@link SupervisorFleet}). */
  private void release(Member<SupervisorFleet.Supervisor> s, SupervisorFleet.Reason why) {
    switch (why) {
      case IDLE -> LOG.info("retiring Supervisor {}: no worker for the idle timeout", s.key());
      case PREEMPTED -> LOG.info("releasing Supervisor {} for the preemption notice: no worker of it left", s.key());
    }
    actor.driver().killTask(s.key());
  }

  @Override
  public void registered(SchedulerDriver d, String frameworkId, MasterInfo masterInfo) {
    try {
      idStore.save(frameworkId);
    } catch (Exception e) {
      LOG.error("could not keep the framework id {} in ZooKeeper ({}): a restarted Nimbus would start a new "
          + "framework", frameworkId, e.toString());
    }
    d.reconcileTasks(List.of()); // our Supervisors, after a Nimbus restart
  }

  @Override
  public void reregistered(SchedulerDriver d, MasterInfo masterInfo) {
    LOG.info("re-registered with Corral master {}:{}", masterInfo.getHost(), masterInfo.getPort());
    d.reconcileTasks(List.of());
  }

  @Override
  public void disconnected(SchedulerDriver d) {
    LOG.warn("lost the Corral master; reconnecting (Supervisors and workers keep running)");
  }

  /** A stored framework the master removed (past its failover timeout) is registered anew. */
  @Override
  public void error(SchedulerDriver d, String message) {
    if (message.contains("was removed and cannot subscribe again") && !actor.closing()) {
      LOG.warn("{}: registering as a new framework", message);
      try {
        idStore.clear();
      } catch (Exception e) {
        LOG.warn("could not clear the stored framework id: {}", e.toString());
      }
      actor.subscribe(info.toBuilder().clearId().build(), this);
      return;
    }
    LOG.error("Corral master: {}", message); // (the actor fails the registration if it is still awaited)
  }
}
