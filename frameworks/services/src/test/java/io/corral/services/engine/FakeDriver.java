package io.corral.services.engine;

import io.corral.bridges.common.Drivers;
import io.corral.common.DriverStatus;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.Resource;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A driver without a master: it notes each call as a line ({@code launch offer-1 [web.1] 120.0},
 * {@code kill web.1}, {@code reconcile [web.1]}, {@code suppress}, ...) and gives the test the
 * callbacks, to play the master.
 */
final class FakeDriver implements SchedulerDriver {
  /** The drivers a framework actor made, with the framework each subscribed as. */
  static final class Made implements Drivers {
    final List<FakeDriver> drivers = new ArrayList<>();

    @Override
    public SchedulerDriver create(Scheduler callbacks, FrameworkInfo framework) {
      FakeDriver d = new FakeDriver(callbacks, framework);
      drivers.add(d);
      return d;
    }

    FakeDriver last() {
      return drivers.get(drivers.size() - 1);
    }
  }

  final Scheduler callbacks;
  final FrameworkInfo framework;
  final List<String> calls = new ArrayList<>();

  FakeDriver(Scheduler callbacks, FrameworkInfo framework) {
    this.callbacks = callbacks;
    this.framework = framework;
  }

  /** The calls since the last time this was asked. */
  List<String> take() {
    List<String> out = List.copyOf(calls);
    calls.clear();
    return out;
  }

  private DriverStatus note(String call) {
    calls.add(call);
    return DriverStatus.DRIVER_RUNNING;
  }

  @Override
  public DriverStatus start() {
    return note("start");
  }

  @Override
  public DriverStatus stop() {
    return stop(false);
  }

  @Override
  public DriverStatus stop(boolean failover) {
    return note(failover ? "stop failover" : "stop teardown");
  }

  @Override
  public DriverStatus abort() {
    return note("abort");
  }

  @Override
  public DriverStatus join() {
    return DriverStatus.DRIVER_STOPPED;
  }

  @Override
  public DriverStatus run() {
    return note("run");
  }

  @Override
  public DriverStatus launchTasks(Collection<String> offerIds, Collection<TaskInfo> tasks) {
    return launchTasks(offerIds, tasks, Filters.getDefaultInstance());
  }

  @Override
  public DriverStatus launchTasks(Collection<String> offerIds, Collection<TaskInfo> tasks, Filters filters) {
    return note("launch " + String.join(",", offerIds) + " " + tasks.stream().map(TaskInfo::getTaskId).toList() + " "
        + filters.getRefuseSeconds());
  }

  @Override
  public DriverStatus acceptOffers(Collection<String> offerIds, Collection<TaskInfo> tasks, Filters filters) {
    return launchTasks(offerIds, tasks, filters);
  }

  @Override
  public DriverStatus acceptOffers(Collection<String> offerIds, Collection<Resource> reserve,
      Collection<Resource> unreserve, Collection<TaskInfo> tasks, Filters filters) {
    return launchTasks(offerIds, tasks, filters);
  }

  @Override
  public DriverStatus declineOffer(String offerId) {
    return note("decline " + offerId);
  }

  @Override
  public DriverStatus declineOffer(String offerId, Filters filters) {
    return note("decline " + offerId + " " + filters.getRefuseSeconds());
  }

  @Override
  public DriverStatus killTask(String taskId) {
    return note("kill " + taskId);
  }

  @Override
  public DriverStatus killTask(String taskId, String agentId, KillPolicy killPolicy) {
    return note("kill " + taskId);
  }

  @Override
  public DriverStatus reviveOffers() {
    return note("revive");
  }

  @Override
  public DriverStatus suppressOffers() {
    return note("suppress");
  }

  @Override
  public DriverStatus reviveOffers(Collection<String> roles) {
    return note("revive " + roles);
  }

  @Override
  public DriverStatus suppressOffers(Collection<String> roles) {
    return note("suppress " + roles);
  }

  @Override
  public DriverStatus updateFramework(FrameworkInfo info, Collection<String> suppressedRoles) {
    return note("update " + (info.getRolesCount() > 0 ? info.getRolesList() : List.of(info.getRole()))
        + " suppressed " + suppressedRoles);
  }

  @Override
  public List<String> roles() {
    return List.of("*");
  }

  @Override
  public DriverStatus acknowledgeStatusUpdate(TaskStatus status) {
    return note("ack " + status.getTaskId());
  }

  @Override
  public DriverStatus reconcileTasks(Collection<TaskStatus> statuses) {
    return note("reconcile " + statuses.stream().map(TaskStatus::getTaskId).toList());
  }

  @Override
  public DriverStatus sendFrameworkMessage(String executorId, String agentId, byte[] data) {
    return note("message");
  }
}
