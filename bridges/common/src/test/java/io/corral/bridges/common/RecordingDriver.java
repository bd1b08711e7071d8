package io.corral.bridges.common;

import io.corral.common.DriverStatus;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A driver that talks to no master: it writes down what it is asked to do, one line a call
 * ({@code decline o1 30.0}, {@code launch o1 [t1, t2] 2.0}, {@code kill t1}, {@code stop failover}...),
 * and hands the test its callbacks ({@link #callbacks}) to play the master's part.
 */
public final class RecordingDriver implements SchedulerDriver {
  /** What a {@link FrameworkActor} made: each driver with the framework it subscribed as. */
  public static final class Made implements Drivers {
    public final List<RecordingDriver> drivers = new ArrayList<>();

    @Override
    public SchedulerDriver create(Scheduler callbacks, FrameworkInfo framework) {
      RecordingDriver d = new RecordingDriver(callbacks, framework);
      drivers.add(d);
      return d;
    }

    public RecordingDriver last() {
      return drivers.get(drivers.size() - 1);
    }
  }

  public final Scheduler callbacks;
  public final FrameworkInfo framework;
  public final List<String> calls = new ArrayList<>();

  public RecordingDriver(Scheduler callbacks, FrameworkInfo framework) {
    this.callbacks = callbacks;
    this.framework = framework;
  }

  private DriverStatus record(String call) {
    calls.add(call);
    return DriverStatus.DRIVER_RUNNING;
  }

  /** The calls made since the last time this was asked. */
  public List<String> take() {
    List<String> out = List.copyOf(calls);
    calls.clear();
    return out;
  }

  @Override
  public DriverStatus start() {
    return record("start");
  }

  @Override
  public DriverStatus stop() {
    return stop(false);
  }

  @Override
  public DriverStatus stop(boolean failover) {
    return record(failover ? "stop failover" : "stop teardown");
  }

  @Override
  public DriverStatus abort() {
    return record("abort");
  }

  @Override
  public DriverStatus join() {
    return record("join");
  }

  @Override
  public DriverStatus run() {
    return record("run");
  }

  @Override
  public DriverStatus launchTasks(Collection<String> offerIds, Collection<TaskInfo> tasks) {
    return launchTasks(offerIds, tasks, Filters.getDefaultInstance());
  }

  @Override
  public DriverStatus launchTasks(Collection<String> offerIds, Collection<TaskInfo> tasks, Filters filters) {
    return record("launch " + String.join(",", offerIds) + " " + tasks.stream().map(TaskInfo::getTaskId).toList()
        + " " + filters.getRefuseSeconds());
  }

  @Override
  public DriverStatus acceptOffers(Collection<String> offerIds, Collection<TaskInfo> tasks, Filters filters) {
    return launchTasks(offerIds, tasks, filters);
  }

  @Override
  public DriverStatus acceptOffers(Collection<String> offerIds, Collection<io.corral.protocol.Resource> reserve,
      Collection<io.corral.protocol.Resource> unreserve, Collection<TaskInfo> tasks, Filters filters) {
    record("reserve " + reserve.size() + ", unreserve " + unreserve.size());
    return launchTasks(offerIds, tasks, filters);
  }

  @Override
  public DriverStatus declineOffer(String offerId) {
    return record("decline " + offerId);
  }

  @Override
  public DriverStatus declineOffer(String offerId, Filters filters) {
    return record("decline " + offerId + " " + filters.getRefuseSeconds());
  }

  @Override
  public DriverStatus killTask(String taskId) {
    return record("kill " + taskId);
  }

  @Override
  public DriverStatus killTask(String taskId, String agentId, KillPolicy killPolicy) {
    return record("kill " + taskId);
  }

  @Override
  public DriverStatus reviveOffers() {
    return record("revive");
  }

  @Override
  public DriverStatus suppressOffers() {
    return record("suppress");
  }

  @Override
  public DriverStatus reviveOffers(java.util.Collection<String> roles) {
    return record("revive " + String.join(",", roles));
  }

  @Override
  public DriverStatus suppressOffers(java.util.Collection<String> roles) {
    return record("suppress " + String.join(",", roles));
  }

  @Override
  public DriverStatus updateFramework(io.corral.protocol.FrameworkInfo info, java.util.Collection<String> suppressedRoles) {
    return record("update " + String.join(",", info.getRolesList()));
  }

  @Override
  public java.util.List<String> roles() {
    return java.util.List.of("*");
  }

  @Override
  public DriverStatus acknowledgeStatusUpdate(TaskStatus status) {
    return record("ack " + status.getTaskId());
  }

  @Override
  public DriverStatus reconcileTasks(Collection<TaskStatus> statuses) {
    return record("reconcile " + statuses.stream().map(TaskStatus::getTaskId).toList());
  }

  @Override
  public DriverStatus sendFrameworkMessage(String executorId, String agentId, byte[] data) {
    return record("message " + executorId + "@" + agentId + " " + new String(data, java.nio.charset.StandardCharsets.UTF_8));
  }
}
