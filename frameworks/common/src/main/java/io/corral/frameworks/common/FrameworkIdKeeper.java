package io.corral.frameworks.common;

import io.corral.bridges.common.FrameworkActor;
import io.corral.frameworks.common.store.StateStore;
import io.corral.frameworks.common.store.StateStoreException;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.LargestAgent;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The framework's scheduler with its id kept in the state store ({@value #KEY}): saved once the
 * master accepts the framework, so that the next leader subscribes as the same framework and takes
 * its tasks over (the master keeps them for the failover timeout); forgotten, and the framework
 * registered anew, when the master removed it (it was gone longer than that). Every other callback
 * goes to the framework's own scheduler as it is.
 */
final class FrameworkIdKeeper implements Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(FrameworkIdKeeper.class);
  /** Where the framework id is kept. */
  static final String KEY = "framework/id";

  private final Scheduler scheduler;
  private final StateStore store;
  private final FrameworkActor actor;
  private final FrameworkInfo framework;
  private final Consumer<String> failed;
  private String stored;

  /**
   * @param framework the framework to subscribe as, without an id
   * @param failed told when the id cannot be kept (the instance must not carry on)
   */
  FrameworkIdKeeper(Scheduler scheduler, StateStore store, FrameworkActor actor, FrameworkInfo framework,
      Consumer<String> failed) {
    this.scheduler = scheduler;
    this.store = store;
    this.actor = actor;
    this.framework = framework;
    this.failed = failed;
  }

  /** Subscribes as the framework whose id is stored, or as a new one. On the loop. */
  void subscribe() throws StateStoreException {
    stored = load(store).orElse(null);
    if (stored != null) {
      LOG.info("subscribing as framework {} (kept in {})", stored, store.where());
    }
    actor.subscribe(stored == null ? framework : framework.toBuilder().setId(stored).build(), this);
  }

  static Optional<String> load(StateStore store) throws StateStoreException {
    return store.get(KEY).map(e -> new String(e.value(), StandardCharsets.UTF_8).strip()).filter(s -> !s.isEmpty());
  }

  @Override
  public void registered(SchedulerDriver d, String frameworkId, MasterInfo masterInfo) {
    if (!frameworkId.equals(stored)) {
      try {
        store.put(KEY, frameworkId.getBytes(StandardCharsets.UTF_8));
        stored = frameworkId;
      } catch (StateStoreException e) {
        failed.accept("could not keep the framework id " + frameworkId + ": " + e.getMessage());
        return;
      }
    }
    scheduler.registered(d, frameworkId, masterInfo);
  }

  /** A stored framework the master removed (gone past its failover timeout) is registered anew. */
  @Override
  public void error(SchedulerDriver d, String message) {
    if (message.contains("was removed and cannot subscribe again") && !actor.closing()) {
      LOG.warn("{}: registering as a new framework", message);
      try {
        store.delete(KEY);
      } catch (StateStoreException e) {
        failed.accept("could not forget the removed framework's id: " + e.getMessage());
        return;
      }
      stored = null;
      actor.subscribe(framework, this);
      return;
    }
    scheduler.error(d, message);
  }

  @Override
  public void reregistered(SchedulerDriver d, MasterInfo masterInfo) {
    scheduler.reregistered(d, masterInfo);
  }

  @Override
  public void largestAgent(SchedulerDriver d, LargestAgent largest) {
    scheduler.largestAgent(d, largest);
  }

  @Override
  public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
    scheduler.resourceOffers(d, offers);
  }

  @Override
  public void offerRescinded(SchedulerDriver d, String offerId) {
    scheduler.offerRescinded(d, offerId);
  }

  @Override
  public void statusUpdate(SchedulerDriver d, TaskStatus status) {
    scheduler.statusUpdate(d, status);
  }

  @Override
  public void frameworkMessage(SchedulerDriver d, String executorId, String agentId, byte[] data) {
    scheduler.frameworkMessage(d, executorId, agentId, data);
  }

  @Override
  public void preemptionNotice(SchedulerDriver d, SchedulerEvent.PreemptionNotice notice) {
    scheduler.preemptionNotice(d, notice);
  }

  @Override
  public void disconnected(SchedulerDriver d) {
    scheduler.disconnected(d);
  }

  @Override
  public void agentLost(SchedulerDriver d, String agentId) {
    scheduler.agentLost(d, agentId);
  }

  @Override
  public void executorLost(SchedulerDriver d, String executorId, String agentId, int status) {
    scheduler.executorLost(d, executorId, agentId, status);
  }
}
