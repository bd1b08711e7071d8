package io.corral.scheduler;

import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskStatus;
import java.util.List;

/**
 * What a framework's scheduler implements.
 *
 * <p><b>Threading:</b> the driver calls these methods one at a time, in the order events
 * arrive, on one thread of its own ("corral-scheduler-callbacks") — never concurrently and
 * never on the caller's thread. They may call any {@link SchedulerDriver} method: those never
 * block. A slow callback delays the callbacks after it but not the driver's connection (its
 * heartbeats and reconnection run on another thread).
 *
 * <p>Status updates are acknowledged automatically when {@link #statusUpdate} returns,
 * unless the driver was built with explicit acknowledgements.
 */
public interface Scheduler {

  /** The framework subscribed for the first time; it now has an id. */
  default void registered(SchedulerDriver driver, String frameworkId, MasterInfo masterInfo) {}

  /** The driver re-subscribed after losing its master (a new leader, or a network blip). */
  default void reregistered(SchedulerDriver driver, MasterInfo masterInfo) {}

  /**
   * How big the cluster's agents are: per resource, the most any one agent has (see
   * {@link LargestAgent}). Called right after every {@link #registered} and {@link #reregistered}
   * with what that master knows (possibly {@link LargestAgent#UNKNOWN}), and again whenever it
   * changes (an agent registers, re-registers with other resources, or is removed). A request the
   * largest agent cannot hold ({@link LargestAgent#mayFit} false) will never be offered: fail it
   * now, saying what the largest agent has and which settings size the request. While unknown,
   * wait as for offers (agents may be starting).
   */
  default void largestAgent(SchedulerDriver driver, LargestAgent largest) {}

  /**
   * Resources offered to the framework. Answer each offer: accept it (launch tasks) or
   * decline it; unanswered offers are rescinded after the master's offer timeout. Each offer is for
   * one of the framework's roles ({@code Offer.getAllocationRole()}, see {@link SchedulerDriver#roles}):
   * tasks launched on it are charged to that role, and offers for different roles cannot be accepted
   * together.
   */
  void resourceOffers(SchedulerDriver driver, List<Offer> offers);

  /** An offer is no longer valid (its agent left, it timed out, ...). */
  default void offerRescinded(SchedulerDriver driver, String offerId) {}

  /**
   * A task changed state. Updates of one task arrive in order.
   *
   * <p>A task launched with a {@code health_check} also gets updates about its health: {@code
   * TASK_RUNNING} with {@link TaskStatus#hasHealthy()} set, reason {@code
   * REASON_TASK_HEALTH_CHECK_STATUS_UPDATED} and a message saying what the check saw, sent on its first
   * counted check and whenever its health changes (not on every check). One that fails {@code
   * consecutive_failures} checks in a row is killed by its executor: {@code TASK_KILLED} with {@code
   * REASON_TASK_UNHEALTHY} and {@code healthy} false. Reconciliation answers carry the latest health the
   * master knows.
   */
  void statusUpdate(SchedulerDriver driver, TaskStatus status);

  /** Data an executor sent. At most once. */
  default void frameworkMessage(SchedulerDriver driver, String executorId, String agentId, byte[] data) {}

  /**
   * The master takes back resources for a role below its guarantee: the tasks the notice names are
   * killed ({@code TASK_KILLED} with {@code REASON_PREEMPTED}) if they still run at its deadline
   * ({@code deadline_seconds}, seconds since the epoch). Save what must be saved and kill them
   * sooner, or let them be killed. A scheduler that re-subscribes before the deadline is told again
   * (the deadline does not move). By default nothing is done.
   */
  default void preemptionNotice(SchedulerDriver driver, io.corral.protocol.SchedulerEvent.PreemptionNotice notice) {}

  /** The connection to the master is lost; the driver is reconnecting. */
  default void disconnected(SchedulerDriver driver) {}

  /** An agent was lost (its tasks are reported TASK_UNREACHABLE). */
  default void agentLost(SchedulerDriver driver, String agentId) {}

  /** An executor exited (status is its exit code, or -1 when unknown). */
  default void executorLost(SchedulerDriver driver, String executorId, String agentId, int status) {}

  /**
   * The master reported an error. When the error is fatal (the subscription was refused, or
   * another scheduler took the framework over) the driver has aborted.
   */
  default void error(SchedulerDriver driver, String message) {}
}
