package io.corral.benchmarks;

import io.corral.common.resources.Resources;
import io.corral.common.task.TaskStates;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A framework of {@link PreemptionBenchmark}: in its role, it launches a task of the given size and
 * command on every piece of an offer that holds one, up to {@code most} tasks, and records when it
 * got its first preemption notice, when it launched its first task, when its first task ran, when
 * half of {@code most} ran, when its first task was preempted, and how many of its tasks were
 * preempted (times as {@link System#nanoTime}, 0 before).
 */
final class PreemptionFramework implements Scheduler {
  private static final Filters ONE_SECOND = Filters.newBuilder().setRefuseSeconds(1).build();

  private final String role;
  private final Resources task;
  private final String command;
  private final long most;
  private final AtomicLong launched = new AtomicLong();
  /** Tasks whose latest state is TASK_RUNNING (a set: a status may be delivered twice). */
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final AtomicLong preempted = new AtomicLong();
  private final AtomicLong firstNotice = new AtomicLong();
  private final AtomicLong halfway = new AtomicLong();
  private final AtomicLong firstLaunch = new AtomicLong();
  private final AtomicLong firstRunning = new AtomicLong();
  private final AtomicLong firstPreempted = new AtomicLong();

  PreemptionFramework(String role, Resources task, String command, long most) {
    this.role = role;
    this.task = task;
    this.command = command;
    this.most = most;
  }

  /** Subscribes to {@code master} in the framework's role (named after it). */
  CorralSchedulerDriver start(String master) {
    CorralSchedulerDriver d = new CorralSchedulerDriver(this, FrameworkInfo.newBuilder().setName(role)
        .setRole(role).build(), master);
    d.start();
    return d;
  }

  long running() {
    return running.size();
  }

  long preempted() {
    return preempted.get();
  }

  long firstNotice() {
    return firstNotice.get();
  }

  long firstLaunch() {
    return firstLaunch.get();
  }

  long firstRunning() {
    return firstRunning.get();
  }

  /** When half of {@code most} tasks were running at once. */
  long halfway() {
    return halfway.get();
  }

  long firstPreempted() {
    return firstPreempted.get();
  }

  @Override
  public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {
    for (Offer o : offers) {
      Resources left = Resources.fromProto(o.getResourcesList());
      List<TaskInfo> tasks = new ArrayList<>();
      while (launched.get() < most && left.contains(task)) {
        tasks.add(TaskInfos.command(role + "-" + launched.incrementAndGet(), o, task, TaskInfos.shell(command)));
        left = left.minus(task);
      }
      if (tasks.isEmpty()) {
        driver.declineOffer(o.getId(), ONE_SECOND);
      } else {
        firstLaunch.compareAndSet(0, System.nanoTime());
        driver.launchTasks(List.of(o.getId()), tasks, ONE_SECOND);
      }
    }
  }

  @Override
  public void preemptionNotice(SchedulerDriver driver, SchedulerEvent.PreemptionNotice notice) {
    firstNotice.compareAndSet(0, System.nanoTime());
  }

  @Override
  public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
    if (status.getState() == TaskState.TASK_RUNNING) {
      running.add(status.getTaskId());
      firstRunning.compareAndSet(0, System.nanoTime());
      if (running.size() >= most / 2) {
        halfway.compareAndSet(0, System.nanoTime());
      }
    } else if (TaskStates.isTerminal(status.getState()) && running.remove(status.getTaskId())
        && status.getReason() == TaskStatusReason.REASON_PREEMPTED) {
      firstPreempted.compareAndSet(0, System.nanoTime());
      preempted.incrementAndGet();
    }
  }
}
