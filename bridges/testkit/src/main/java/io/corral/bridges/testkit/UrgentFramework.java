package io.corral.bridges.testkit;

import io.corral.common.resources.Resources;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The work that arrives in a preemption test: a framework of its own role that launches up to
 * {@code most} long {@code sleep} tasks of a given size, one per offer that fits, then asks for
 * nothing more. With a guarantee for its role, the master preempts others' tasks for it.
 */
public final class UrgentFramework implements Scheduler, AutoCloseable {
  private final Resources task;
  private final int most;
  private final AtomicInteger launched = new AtomicInteger();
  private final Map<String, TaskState> states = new ConcurrentHashMap<>();
  private CorralSchedulerDriver driver;

  private UrgentFramework(Resources task, int most) {
    this.task = task;
    this.most = most;
  }

  /** Subscribes to {@code master} (host:port) in {@code role}, tasks of {@code task}, at most {@code most}. */
  public static UrgentFramework start(String master, String role, Resources task, int most) {
    UrgentFramework u = new UrgentFramework(task, most);
    u.driver = new CorralSchedulerDriver(u, FrameworkInfo.newBuilder().setName(role).setRole(role)
        .setUser(System.getProperty("user.name")).build(), master);
    u.driver.start();
    return u;
  }

  /** Its tasks running now. */
  public long running() {
    return states.values().stream().filter(s -> s == TaskState.TASK_RUNNING).count();
  }

  @Override
  public void registered(SchedulerDriver d, String id, MasterInfo masterInfo) {}

  @Override
  public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
    for (Offer o : offers) {
      if (launched.get() < most && Resources.fromProto(o.getResourcesList()).contains(task)) {
        d.launchTasks(List.of(o.getId()), List.of(TaskInfos.command("urgent-" + launched.incrementAndGet(), o,
            task, TaskInfos.shell("exec sleep 600"))), Filters.newBuilder().setRefuseSeconds(0).build());
      } else {
        d.declineOffer(o.getId(), Filters.newBuilder().setRefuseSeconds(1).build());
      }
    }
    if (launched.get() >= most) {
      d.suppressOffers();
    }
  }

  @Override
  public void statusUpdate(SchedulerDriver d, TaskStatus status) {
    states.put(status.getTaskId(), status.getState());
  }

  /** Stops the framework: its tasks are killed. */
  @Override
  public void close() {
    driver.stop();
    driver.join();
  }
}
