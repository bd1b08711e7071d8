package io.corral.bridges.common;

import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.LargestAgent;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.util.List;

/**
 * The driver's callbacks, handed to the {@link FrameworkActor}'s loop: the bridge's
 * {@link Scheduler} gets each one there, one at a time and in the order the driver made them (the
 * Scheduler's threading contract, kept), next to the host framework's requests and the timers.
 * The driver's own callback thread only queues.
 *
 * <p>A callback of a driver the actor no longer holds (it subscribed again) is dropped. After the
 * bridge's {@code registered} the actor's registration completes; after its {@code error} it fails,
 * unless the bridge subscribed again meanwhile.
 */
final class LoopScheduler implements Scheduler {
  private final FrameworkActor actor;
  private final Scheduler scheduler;

  LoopScheduler(FrameworkActor actor, Scheduler scheduler) {
    this.actor = actor;
    this.scheduler = scheduler;
  }

  private void onLoop(SchedulerDriver d, Runnable callback) {
    actor.execute(() -> {
      if (actor.current(d)) {
        callback.run();
      }
    });
  }

  @Override
  public void registered(SchedulerDriver d, String frameworkId, MasterInfo masterInfo) {
    onLoop(d, () -> {
      scheduler.registered(d, frameworkId, masterInfo);
      actor.registered(frameworkId);
    });
  }

  @Override
  public void reregistered(SchedulerDriver d, MasterInfo masterInfo) {
    onLoop(d, () -> scheduler.reregistered(d, masterInfo));
  }

  @Override
  public void largestAgent(SchedulerDriver d, LargestAgent largest) {
    onLoop(d, () -> scheduler.largestAgent(d, largest));
  }

  @Override
  public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
    onLoop(d, () -> scheduler.resourceOffers(d, offers));
  }

  @Override
  public void offerRescinded(SchedulerDriver d, String offerId) {
    onLoop(d, () -> scheduler.offerRescinded(d, offerId));
  }

  @Override
  public void statusUpdate(SchedulerDriver d, TaskStatus status) {
    onLoop(d, () -> scheduler.statusUpdate(d, status));
  }

  @Override
  public void frameworkMessage(SchedulerDriver d, String executorId, String agentId, byte[] data) {
    onLoop(d, () -> scheduler.frameworkMessage(d, executorId, agentId, data));
  }

  @Override
  public void preemptionNotice(SchedulerDriver d, io.corral.protocol.SchedulerEvent.PreemptionNotice notice) {
    onLoop(d, () -> scheduler.preemptionNotice(d, notice));
  }

  @Override
  public void disconnected(SchedulerDriver d) {
    onLoop(d, () -> scheduler.disconnected(d));
  }

  @Override
  public void agentLost(SchedulerDriver d, String agentId) {
    onLoop(d, () -> scheduler.agentLost(d, agentId));
  }

  @Override
  public void executorLost(SchedulerDriver d, String executorId, String agentId, int status) {
    onLoop(d, () -> scheduler.executorLost(d, executorId, agentId, status));
  }

  @Override
  public void error(SchedulerDriver d, String message) {
    onLoop(d, () -> {
      scheduler.error(d, message);
      if (actor.current(d)) {
        actor.refused(message);
      }
    });
  }
}
