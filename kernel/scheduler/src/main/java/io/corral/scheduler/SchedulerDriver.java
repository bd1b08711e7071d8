package io.corral.scheduler;

import io.corral.common.DriverStatus;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.Resource;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskStatus;
import java.util.Collection;
import java.util.List;

/**
 * How a scheduler talks to the master. Every method is thread-safe and returns at once (the
 * work happens on the driver's own thread); calls made while disconnected are dropped, as
 * with Mesos: offers die with the connection, and the master keeps the truth about tasks
 * (use {@link #reconcileTasks} after {@link Scheduler#reregistered}).
 */
public interface SchedulerDriver {

  /** Finds the master and subscribes (returns at once; see {@link Scheduler#registered}). */
  DriverStatus start();

  /** Stops the framework for good: the master kills its tasks. Same as {@code stop(false)}. */
  DriverStatus stop();

  /**
   * Stops the driver. With {@code failover} the framework stays registered and its tasks keep
   * running for its failover timeout, so another scheduler can subscribe with its id; without,
   * it is torn down: this returns once the master has confirmed that (or, if it does not answer,
   * after a bounded wait with a warning logged), so the process may exit right after.
   */
  DriverStatus stop(boolean failover);

  /** Stops without tearing down (like {@code stop(true)}); {@link #join} returns DRIVER_ABORTED. */
  DriverStatus abort();

  /** Waits until the driver is stopped or aborted. */
  DriverStatus join();

  /** {@link #start} then {@link #join}. */
  DriverStatus run();

  /** Launches tasks on offers of one agent; what they leave of the offers is declined. */
  DriverStatus launchTasks(Collection<String> offerIds, Collection<TaskInfo> tasks);

  DriverStatus launchTasks(Collection<String> offerIds, Collection<TaskInfo> tasks, Filters filters);

  /** Same as {@link #launchTasks(Collection, Collection, Filters)} (Mesos' name for it). */
  DriverStatus acceptOffers(Collection<String> offerIds, Collection<TaskInfo> tasks, Filters filters);

  /**
   * Mesos' RESERVE and UNRESERVE, then a launch, on offers of one agent: {@code reserve} names
   * unreserved resources of the offers to reserve for this framework's role, each with the role in
   * {@code Resource.reservation} ({@code PooledResources.reserved(role, r).toProto()});
   * {@code unreserve} names dynamically reserved resources of the offers to give back to the shared
   * pool. The reservation is the agent's until it is unreserved, through its restarts and the
   * master's failovers. {@code tasks} may use what they make; what is left of the offers is
   * declined. A refused reservation comes back as {@link Scheduler#error}, and the tasks are
   * launched on the offers as they were.
   */
  DriverStatus acceptOffers(Collection<String> offerIds, Collection<Resource> reserve, Collection<Resource> unreserve,
      Collection<TaskInfo> tasks, Filters filters);

  /** Declines an offer for the master's default refusal time (5 s). */
  DriverStatus declineOffer(String offerId);

  DriverStatus declineOffer(String offerId, Filters filters);

  /** Kills a task with its own kill policy (or 3 s of grace). */
  DriverStatus killTask(String taskId);

  DriverStatus killTask(String taskId, String agentId, KillPolicy killPolicy);

  /** Clears every filter and resumes offers (for all the framework's roles). */
  DriverStatus reviveOffers();

  /**
   * No more offers (for any of the framework's roles) until {@link #reviveOffers}. The driver keeps
   * the roles suppressed (and revived) and subscribes with them when it reconnects, so suppression
   * outlives a lost master, and a call made while it is away takes effect when it is back.
   */
  DriverStatus suppressOffers();

  /**
   * Clears the filters of the given roles and resumes their offers (empty: all the framework's
   * roles). A role the framework is not in comes back as {@link Scheduler#error}.
   */
  DriverStatus reviveOffers(Collection<String> roles);

  /**
   * No more offers for the given roles (empty: all the framework's roles) until they are revived;
   * offers for its other roles continue. A role the framework is not in comes back as
   * {@link Scheduler#error}.
   */
  DriverStatus suppressOffers(Collection<String> roles);

  /**
   * Mesos' UPDATE_FRAMEWORK: changes the framework's roles ({@code role}, or {@code roles} for several),
   * name, failover timeout, labels or hostname; its id, user, principal and checkpoint stay. Offers for
   * roles it leaves are rescinded ({@link Scheduler#offerRescinded}); its running tasks keep the role
   * they were launched in. {@code suppressedRoles} (some of the new roles) get no offers until revived,
   * the others do. A refused update comes back as {@link Scheduler#error} and changes nothing. The
   * driver subscribes with the new info from now on (after a reconnection, a new leader).
   */
  DriverStatus updateFramework(FrameworkInfo info, Collection<String> suppressedRoles);

  /**
   * The framework's roles as the master last confirmed them (on registration) or as the last
   * {@link #updateFramework} set them: {@code "*"} for a framework that names none; empty before
   * the first registration.
   */
  List<String> roles();

  /** Acknowledges an update (only needed with explicit acknowledgements). */
  DriverStatus acknowledgeStatusUpdate(TaskStatus status);

  /**
   * Asks for the latest state of the given tasks (task id and agent id of each status are
   * used), or of every task of the framework when the collection is empty.
   */
  DriverStatus reconcileTasks(Collection<TaskStatus> statuses);

  /** Sends data to an executor. At most once. */
  DriverStatus sendFrameworkMessage(String executorId, String agentId, byte[] data);
}
