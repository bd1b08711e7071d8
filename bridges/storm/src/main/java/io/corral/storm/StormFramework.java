package io.corral.storm;

import io.corral.common.security.ClientCredentials;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Nimbus's Corral framework: subscribes (failing over to the framework id kept in ZooKeeper),
 * launches Supervisor executors from offers for the slots Storm's scheduler is missing, retires idle
 * ones, and takes its Supervisors back after a Nimbus restart (reconciliation).
 *
 * <p>Threads: the {@link SupervisorFleet} belongs to one thread, "corral-storm-framework"; Corral's
 * callbacks and Nimbus's scheduling rounds only post work to it.
 */
final class StormFramework implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StormFramework.class);
  private static final double IDLE_REFUSE_SECONDS = 30;
  private static final double BUSY_REFUSE_SECONDS = 1;

  private final FrameworkInfo info;
  private final String master;
  private final ClientCredentials credentials;
  private final ZkFrameworkId idStore;
  private final SupervisorFleet fleet;
  private final SupervisorCommand command;
  private final Map<String, Object> clusterSettings;
  private final ExecutorService actor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "corral-storm-framework");
    t.setDaemon(true);
    return t;
  });
  private final CompletableFuture<String> registered = new CompletableFuture<>();
  private volatile CorralSchedulerDriver driver;
  private boolean suppressed;
  private volatile boolean closing;

  /**
   * @param info the framework (no id: the stored one is used)
   * @param credentials what the Nimbus presents to a secured master ({@link StormSettings#CREDENTIALS_PREFIX})
   * @param clusterSettings the Storm settings every Supervisor and worker gets
   */
  StormFramework(FrameworkInfo info, String master, ClientCredentials credentials, ZkFrameworkId idStore,
      SupervisorFleet fleet, SupervisorCommand command, Map<String, Object> clusterSettings) {
    this.info = info;
    this.master = master;
    this.credentials = credentials;
    this.idStore = idStore;
    this.fleet = fleet;
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
    subscribe(b.build());
    try {
      String id = registered.get(waitSeconds, TimeUnit.SECONDS);
      LOG.info("registered with Corral master {} as framework {}; Supervisors' Storm {}", master, id,
          command.source());
    } catch (java.util.concurrent.ExecutionException e) {
      driver.abort();
      throw new IllegalStateException("the Corral master " + master + " refused the Nimbus's framework: "
          + e.getCause().getMessage());
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn("not registered with the Corral master {} after {} s; still trying (no Supervisor can start until then)",
          master, waitSeconds);
    }
  }

  private void subscribe(FrameworkInfo framework) {
    driver = new CorralSchedulerDriver(new Callbacks(), framework, master, true, credentials);
    driver.start();
  }

  /** A scheduling round's outcome (Nimbus's thread). */
  void observe(SupervisorFleet.Observation o) {
    actor.execute(() -> {
      List<String> retire = fleet.observe(o, System.currentTimeMillis());
      for (String id : retire) {
        LOG.info("retiring Supervisor {}: no worker for the idle timeout", id);
        driver.killTask(id);
      }
      if (fleet.wanted() > 0 && suppressed) {
        LOG.info("Storm needs {} more worker slot(s); asking for offers", fleet.wanted());
        revive();
      }
    });
  }

  /** Supervisors Storm must not schedule onto (Nimbus's thread; waits for the actor). */
  Set<String> unusable() {
    try {
      return CompletableFuture.supplyAsync(fleet::unusable, actor).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("could not read the Supervisors' state: {}", e.toString());
      return Set.of();
    }
  }

  @Override
  public void close() {
    closing = true;
    CorralSchedulerDriver d = driver;
    if (d != null) {
      d.stop(true); // failover: the Supervisors and workers keep running for the next Nimbus
      d.join();
    }
    actor.shutdown();
  }

  // ---- on the actor thread ----

  private void offers(List<Offer> offers) {
    List<SupervisorFleet.Launch> launches = fleet.place(offers, System.currentTimeMillis());
    Map<String, SupervisorFleet.Launch> byOffer = new LinkedHashMap<>();
    launches.forEach(l -> byOffer.put(l.offer().getId(), l));
    double refuse = fleet.wanted() > 0 ? BUSY_REFUSE_SECONDS : IDLE_REFUSE_SECONDS;
    for (Offer o : offers) {
      SupervisorFleet.Launch l = byOffer.get(o.getId());
      if (l == null) {
        driver.declineOffer(o.getId(), refuse(refuse));
        continue;
      }
      String name = "storm supervisor " + l.supervisorId() + " (" + info.getName() + ")";
      ExecutorInfo executor = ExecutorInfo.newBuilder().setExecutorId(l.supervisorId()).setName(name)
          .setCommand(command.build(yaml(l))).build();
      TaskInfo task = TaskInfo.newBuilder().setTaskId(l.supervisorId()).setName(name).setAgentId(o.getAgentId())
          .addAllResources(l.resources().toProto()).setExecutor(executor).build();
      LOG.info("launching Supervisor {} on {} ({}) with {} slot(s) {} and {}", l.supervisorId(), o.getHostname(),
          o.getAgentId(), l.slotPorts().size(), l.slotPorts(), l.resources());
      driver.launchTasks(List.of(o.getId()), List.of(task), refuse(refuse));
    }
    if (fleet.wanted() == 0 && !suppressed) {
      suppressed = true;
      driver.suppressOffers();
    }
  }

  /** The Supervisor's storm.yaml: the cluster's settings, then what is its own. */
  private String yaml(SupervisorFleet.Launch l) {
    Map<String, Object> own = new LinkedHashMap<>(clusterSettings);
    own.put("storm.local.hostname", l.offer().getHostname());
    own.put("supervisor.thrift.port", l.thriftPort());
    own.put("supervisor.slots.ports", l.slotPorts());
    return StormYaml.render(own);
  }

  private void status(TaskStatus s) {
    SupervisorFleet.Supervisor ended = fleet.update(s.getTaskId(), s.getAgentId(), s.getState(),
        System.currentTimeMillis());
    if (ended != null) {
      boolean retired = ended.state == SupervisorFleet.State.RETIRING;
      String how = "Supervisor " + ended.id + " on " + ended.host + " ended " + s.getState()
          + (s.getMessage().isEmpty() ? "" : ": " + s.getMessage());
      if (retired) {
        LOG.info("{} (retired)", how);
      } else {
        LOG.warn("{}; Storm will reassign its workers and slots will be asked for again", how);
      }
    }
    if (s.getState() == io.corral.protocol.TaskState.TASK_UNREACHABLE) {
      driver.killTask(s.getTaskId()); // should its agent come back, the Supervisor must not
    }
  }

  private void revive() {
    if (!closing) {
      suppressed = false;
      driver.reviveOffers();
    }
  }

  private static Filters refuse(double seconds) {
    return Filters.newBuilder().setRefuseSeconds(seconds).build();
  }

  /** Corral's callbacks, passed on to the actor. */
  private final class Callbacks implements Scheduler {
    @Override
    public void registered(SchedulerDriver d, String frameworkId, MasterInfo masterInfo) {
      try {
        idStore.save(frameworkId);
      } catch (Exception e) {
        LOG.error("could not keep the framework id {} in ZooKeeper ({}): a restarted Nimbus would start a new "
            + "framework", frameworkId, e.toString());
      }
      registered.complete(frameworkId);
      d.reconcileTasks(List.of()); // our Supervisors, after a Nimbus restart
    }

    @Override
    public void reregistered(SchedulerDriver d, MasterInfo masterInfo) {
      LOG.info("re-registered with Corral master {}:{}", masterInfo.getHost(), masterInfo.getPort());
      d.reconcileTasks(List.of());
    }

    @Override
    public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
      actor.execute(() -> offers(offers));
    }

    @Override
    public void statusUpdate(SchedulerDriver d, TaskStatus status) {
      actor.execute(() -> status(status));
    }

    @Override
    public void disconnected(SchedulerDriver d) {
      LOG.warn("lost the Corral master; reconnecting (Supervisors and workers keep running)");
    }

    @Override
    public void error(SchedulerDriver d, String message) {
      if (message.contains("was removed and cannot subscribe again") && !closing) {
        LOG.warn("{}: registering as a new framework", message);
        actor.execute(() -> {
          try {
            idStore.clear();
          } catch (Exception e) {
            LOG.warn("could not clear the stored framework id: {}", e.toString());
          }
          subscribe(info.toBuilder().clearId().build());
        });
        return;
      }
      LOG.error("Corral master: {}", message);
      registered.completeExceptionally(new IllegalStateException(message)); // (if not registered yet)
    }
  }
}
