package io.corral.benchmarks;

import io.corral.common.net.HostPort;
import io.corral.common.resources.Resources;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.OfferMatcher;
import io.corral.scheduler.ResourceRequest;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/** The frameworks the kernel benchmark runs, on the real scheduler library. */
final class BenchFrameworks {
  private BenchFrameworks() {}

  /** Starts {@code n} drivers for schedulers made by {@code factory}; waits until all are registered. */
  static List<CorralSchedulerDriver> startAll(int n, HostPort master, IntFunction<Scheduler> factory,
      Duration timeout) throws InterruptedException {
    CountDownLatch registered = new CountDownLatch(n);
    List<CorralSchedulerDriver> drivers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Scheduler inner = factory.apply(i);
      Scheduler counting = new Registering(inner, registered);
      FrameworkInfo info = FrameworkInfo.newBuilder().setName("bench-" + i).setUser("bench").build();
      CorralSchedulerDriver d = new CorralSchedulerDriver(counting, info, master.toString());
      drivers.add(d);
      d.start();
    }
    if (!registered.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      stopAll(drivers);
      throw new IllegalStateException((n - registered.getCount()) + " of " + n + " frameworks registered within "
          + timeout);
    }
    return drivers;
  }

  /** Stops the drivers (tearing their frameworks down) and waits for them, in parallel. */
  static void stopAll(List<CorralSchedulerDriver> drivers) {
    drivers.forEach(CorralSchedulerDriver::stop);
    drivers.forEach(CorralSchedulerDriver::join);
  }

  /** Passes callbacks on, counting registrations. */
  private record Registering(Scheduler inner, CountDownLatch registered) implements Scheduler {
    @Override
    public void registered(SchedulerDriver driver, String frameworkId, MasterInfo masterInfo) {
      inner.registered(driver, frameworkId, masterInfo);
      registered.countDown();
    }

    @Override
    public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {
      inner.resourceOffers(driver, offers);
    }

    @Override
    public void offerRescinded(SchedulerDriver driver, String offerId) {
      inner.offerRescinded(driver, offerId);
    }

    @Override
    public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
      inner.statusUpdate(driver, status);
    }
  }

  /** Keeps every offer without answering (the master's offer timeout takes them back). */
  static final class Holding implements Scheduler {
    final LongAdder offers;

    Holding(LongAdder offers) {
      this.offers = offers;
    }

    @Override
    public void registered(SchedulerDriver driver, String frameworkId, MasterInfo masterInfo) {}

    @Override
    public void resourceOffers(SchedulerDriver driver, List<Offer> list) {
      offers.add(list.size());
    }

    @Override
    public void statusUpdate(SchedulerDriver driver, TaskStatus status) {}
  }

  /** Counters shared by all {@link Loading} frameworks. */
  static final class LoadCounters {
    final LongAdder offers = new LongAdder();
    final LongAdder accepts = new LongAdder();
    final LongAdder declines = new LongAdder();
    final LongAdder launched = new LongAdder();
    final LongAdder running = new LongAdder();
    final LongAdder finished = new LongAdder();
    final LongAdder otherStates = new LongAdder();
    final AtomicLong reported = new AtomicLong();
  }

  /**
   * A framework with an endless backlog of small command tasks: on every offer it launches as
   * many as fit (one ACCEPT per offer, packed by {@link OfferMatcher}), and declines offers that
   * fit none. Status updates are acknowledged implicitly by the driver.
   */
  static final class Loading implements Scheduler {
    /** One task: an eighth of a simulated agent's cpus and memory, so 64 fill an agent exactly. */
    static final Resources TASK = Resources.builder().cpus(0.125).mem(512).build();
    private static final ResourceRequest REQUEST = new ResourceRequest(TASK, 0);
    private static final CommandInfo COMMAND = TaskInfos.shell("true");
    private static final Filters NO_FILTER = Filters.newBuilder().setRefuseSeconds(0).build();

    private final String prefix;
    private final LoadCounters counters;
    private final ArrayDeque<String> backlog = new ArrayDeque<>();
    private long nextTask;

    Loading(int index, LoadCounters counters) {
      this.prefix = "f" + index + "-t";
      this.counters = counters;
    }

    @Override
    public void registered(SchedulerDriver driver, String frameworkId, MasterInfo masterInfo) {}

    @Override
    public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {
      counters.offers.add(offers.size());
      int room = 0;
      for (Offer o : offers) {
        room += (int) (Resources.fromProto(o.getResourcesList()).cpus() / TASK.cpus()) + 1;
      }
      while (backlog.size() < room) {
        backlog.add(prefix + nextTask++);
      }
      for (OfferMatcher.Match<String> m : OfferMatcher.match(offers, backlog, id -> REQUEST)) {
        if (m.isEmpty()) {
          driver.declineOffer(m.offer().getId());
          counters.declines.increment();
          continue;
        }
        List<TaskInfo> tasks = new ArrayList<>(m.placed().size());
        for (OfferMatcher.Placed<String> p : m.placed()) {
          tasks.add(TaskInfos.command(p.task(), m.offer(), p.resources(), COMMAND));
        }
        driver.launchTasks(List.of(m.offer().getId()), tasks, NO_FILTER);
        counters.accepts.increment();
        counters.launched.add(tasks.size());
      }
    }

    @Override
    public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
      TaskState s = status.getState();
      if (s == TaskState.TASK_RUNNING) {
        counters.running.increment();
      } else if (s == TaskState.TASK_FINISHED) {
        counters.finished.increment();
      } else {
        counters.otherStates.increment();
        if (counters.reported.incrementAndGet() <= 5) {
          System.out.printf("unexpected update: task %s %s (%s) %s%n", status.getTaskId(), s, status.getReason(),
              status.getMessage());
        }
      }
    }
  }
}
