package io.corral.bridges.testkit;

import static org.awaitility.Awaitility.await;

import io.corral.common.resources.Resources;
import io.corral.protocol.Filters;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.LargestAgent;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * A scheduler for tests: records every callback, and hands offers to a pluggable handler
 * (by default it keeps them for the test to use).
 */
public class RecordingScheduler implements Scheduler {
  public static final Duration WAIT = Duration.ofSeconds(60);

  public final List<String> registrations = new CopyOnWriteArrayList<>();
  public final List<TaskStatus> statuses = new CopyOnWriteArrayList<>();
  public final List<String> rescinded = new CopyOnWriteArrayList<>();
  public final List<String> errors = new CopyOnWriteArrayList<>();
  public final List<String> lostAgents = new CopyOnWriteArrayList<>();
  public final List<String> lostExecutors = new CopyOnWriteArrayList<>();
  public final List<byte[]> messages = new CopyOnWriteArrayList<>();
  public final List<LargestAgent> largestAgents = new CopyOnWriteArrayList<>();
  public final List<io.corral.protocol.SchedulerEvent.PreemptionNotice> preemptionNotices =
      new CopyOnWriteArrayList<>();
  public final List<String> events = new CopyOnWriteArrayList<>();
  public final LinkedBlockingQueue<Offer> offers = new LinkedBlockingQueue<>();
  /** Every offer received, with the time it arrived (System.nanoTime). */
  public final List<java.util.Map.Entry<Long, Offer>> offerLog = new CopyOnWriteArrayList<>();
  private volatile BiConsumer<SchedulerDriver, List<Offer>> onOffers = (d, o) -> offers.addAll(o);
  private volatile String frameworkId;

  /**
   * An offer handler that wants all it can get: on every offer that holds {@code task} it launches one
   * task of that size running {@code command} ({@code prefix}1, {@code prefix}2...), asking for the rest
   * again at once; offers too small are declined for 1 s.
   */
  public static BiConsumer<SchedulerDriver, List<Offer>> oneTaskPerOffer(String prefix, Resources task,
      String command) {
    AtomicInteger seq = new AtomicInteger();
    return (driver, offers) -> {
      for (Offer o : offers) {
        if (Resources.fromProto(o.getResourcesList()).contains(task)) {
          driver.launchTasks(List.of(o.getId()), List.of(TaskInfos.command(prefix + seq.incrementAndGet(), o, task,
              TaskInfos.shell(command))), Filters.newBuilder().setRefuseSeconds(0).build());
        } else {
          driver.declineOffer(o.getId(), Filters.newBuilder().setRefuseSeconds(1).build());
        }
      }
    };
  }

  /** Replaces the offer handler (runs on the driver's callback thread). */
  public RecordingScheduler onOffers(BiConsumer<SchedulerDriver, List<Offer>> handler) {
    this.onOffers = handler;
    return this;
  }

  public String frameworkId() {
    return frameworkId;
  }

  @Override
  public void registered(SchedulerDriver driver, String frameworkId, MasterInfo masterInfo) {
    this.frameworkId = frameworkId;
    registrations.add("registered");
    events.add("registered");
  }

  @Override
  public void reregistered(SchedulerDriver driver, MasterInfo masterInfo) {
    registrations.add("reregistered");
    events.add("reregistered");
  }

  @Override
  public void largestAgent(SchedulerDriver driver, LargestAgent largest) {
    largestAgents.add(largest);
  }

  @Override
  public void resourceOffers(SchedulerDriver driver, List<Offer> o) {
    events.add("offers");
    long now = System.nanoTime();
    o.forEach(offer -> offerLog.add(java.util.Map.entry(now, offer)));
    onOffers.accept(driver, o);
  }

  @Override
  public void offerRescinded(SchedulerDriver driver, String offerId) {
    rescinded.add(offerId);
    offers.removeIf(o -> o.getId().equals(offerId));
    events.add("rescinded");
  }

  @Override
  public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
    statuses.add(status);
    events.add("status " + status.getTaskId() + " " + status.getState());
  }

  @Override
  public void frameworkMessage(SchedulerDriver driver, String executorId, String agentId, byte[] data) {
    messages.add(data);
  }

  @Override
  public void preemptionNotice(SchedulerDriver driver, io.corral.protocol.SchedulerEvent.PreemptionNotice notice) {
    preemptionNotices.add(notice);
    events.add("preemption notice");
  }

  @Override
  public void disconnected(SchedulerDriver driver) {
    events.add("disconnected");
  }

  @Override
  public void agentLost(SchedulerDriver driver, String agentId) {
    lostAgents.add(agentId);
  }

  @Override
  public void executorLost(SchedulerDriver driver, String executorId, String agentId, int status) {
    lostExecutors.add(executorId);
  }

  @Override
  public void error(SchedulerDriver driver, String message) {
    errors.add(message);
  }

  // ---- waiting ---------------------------------------------------------------------------

  public void awaitRegistered() {
    await().atMost(WAIT).until(() -> frameworkId != null);
  }

  /** The next offer (waits for one). */
  public Offer nextOffer() throws InterruptedException {
    Offer o = offers.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    if (o == null) {
      throw new AssertionError("no offer within " + WAIT);
    }
    return o;
  }

  /** Takes the next offer of the given agent, declining none. */
  public Offer nextOffer(Predicate<Offer> which) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Offer o = offers.poll(1, TimeUnit.SECONDS);
      if (o != null && which.test(o)) {
        return o;
      }
    }
    throw new AssertionError("no matching offer within " + WAIT);
  }

  /** Waits for the task to reach {@code state}; returns that update. */
  public TaskStatus awaitState(String taskId, TaskState state) {
    return awaitState(taskId, state, WAIT);
  }

  public TaskStatus awaitState(String taskId, TaskState state, Duration within) {
    await().atMost(within).until(() -> latest(taskId, state).isPresent());
    return latest(taskId, state).orElseThrow();
  }

  public Optional<TaskStatus> latest(String taskId, TaskState state) {
    TaskStatus found = null;
    for (TaskStatus s : statuses) {
      if (s.getTaskId().equals(taskId) && s.getState() == state) {
        found = s;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The states the task went through, in the order reported. */
  public List<TaskState> statesOf(String taskId) {
    List<TaskState> out = new ArrayList<>();
    for (TaskStatus s : statuses) {
      if (s.getTaskId().equals(taskId)) {
        out.add(s.getState());
      }
    }
    return out;
  }
}
