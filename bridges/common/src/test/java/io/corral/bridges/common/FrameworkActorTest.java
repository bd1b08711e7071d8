package io.corral.bridges.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.loop.EventLoop;
import io.corral.common.loop.ManualEventLoop;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.LargestAgent;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FrameworkActorTest {
  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder().setName("bridge").build();
  private static final MasterInfo MASTER = MasterInfo.newBuilder().setHost("m1").setPort(5050).build();

  private final ManualEventLoop loop = new ManualEventLoop();
  private final RecordingDriver.Made drivers = new RecordingDriver.Made();
  private final FrameworkActor actor = new FrameworkActor(loop, loop.clock(), drivers);

  /** Writes down each callback it gets and the thread it got it on. */
  private static class Journal implements Scheduler {
    final List<String> seen = new ArrayList<>();
    final List<Thread> threads = new ArrayList<>();

    private void note(String what) {
      seen.add(what);
      threads.add(Thread.currentThread());
    }

    @Override
    public void registered(SchedulerDriver d, String frameworkId, MasterInfo masterInfo) {
      note("registered " + frameworkId);
    }

    @Override
    public void reregistered(SchedulerDriver d, MasterInfo masterInfo) {
      note("reregistered");
    }

    @Override
    public void largestAgent(SchedulerDriver d, LargestAgent largest) {
      note("largest " + largest);
    }

    @Override
    public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
      note("offers " + offers.size());
    }

    @Override
    public void offerRescinded(SchedulerDriver d, String offerId) {
      note("rescinded " + offerId);
    }

    @Override
    public void statusUpdate(SchedulerDriver d, TaskStatus status) {
      note("update " + status.getTaskId() + " " + status.getState());
    }

    @Override
    public void frameworkMessage(SchedulerDriver d, String executorId, String agentId, byte[] data) {
      note("message " + executorId);
    }

    @Override
    public void preemptionNotice(SchedulerDriver d, io.corral.protocol.SchedulerEvent.PreemptionNotice notice) {
      note("preemption " + notice.getRole());
    }

    @Override
    public void disconnected(SchedulerDriver d) {
      note("disconnected");
    }

    @Override
    public void agentLost(SchedulerDriver d, String agentId) {
      note("agent lost " + agentId);
    }

    @Override
    public void executorLost(SchedulerDriver d, String executorId, String agentId, int status) {
      note("executor lost " + executorId + " " + status);
    }

    @Override
    public void error(SchedulerDriver d, String message) {
      note("error " + message);
    }
  }

  @Test
  void subscribingStartsADriverAsTheFramework() {
    actor.subscribe(FRAMEWORK, new Journal());
    assertThat(drivers.drivers).hasSize(1);
    assertThat(drivers.last().framework).isEqualTo(FRAMEWORK);
    assertThat(drivers.last().calls).containsExactly("start");
    assertThat(actor.driver()).isSameAs(drivers.last());
  }

  /** The driver's thread only queues: every callback runs on the loop, in the driver's order. */
  @Test
  void everyCallbackRunsOnTheLoopInOrderOnlyWhenTheLoopRuns() throws Exception {
    Journal journal = new Journal();
    actor.subscribe(FRAMEWORK, journal);
    Scheduler callbacks = drivers.last().callbacks;
    SchedulerDriver d = drivers.last();
    Thread driverThread = new Thread(() -> {
      callbacks.registered(d, "fw-1", MASTER);
      callbacks.largestAgent(d, LargestAgent.UNKNOWN);
      callbacks.resourceOffers(d, List.of(Offer.getDefaultInstance(), Offer.getDefaultInstance()));
      callbacks.offerRescinded(d, "o1");
      callbacks.statusUpdate(d, TaskStatus.newBuilder().setTaskId("t1").setState(TaskState.TASK_RUNNING).build());
      callbacks.frameworkMessage(d, "e1", "a1", new byte[0]);
      callbacks.preemptionNotice(d, io.corral.protocol.SchedulerEvent.PreemptionNotice.newBuilder().setRole("b").build());
      callbacks.disconnected(d);
      callbacks.reregistered(d, MASTER);
      callbacks.agentLost(d, "a1");
      callbacks.executorLost(d, "e1", "a1", 137);
      callbacks.error(d, "boom");
    }, "corral-scheduler-callbacks");
    driverThread.start();
    driverThread.join();
    assertThat(journal.seen).as("nothing runs on the driver's thread").isEmpty();

    loop.runPending();
    assertThat(journal.seen).containsExactly("registered fw-1", "largest unknown", "offers 2", "rescinded o1",
        "update t1 TASK_RUNNING", "message e1", "preemption b", "disconnected", "reregistered", "agent lost a1",
        "executor lost e1 137", "error boom");
    assertThat(journal.threads).containsOnly(Thread.currentThread()); // the manual loop's thread
  }

  @Test
  void registrationCompletesWithTheFrameworkIdAfterTheBridgeHeardOfIt() throws Exception {
    AtomicReference<Boolean> doneWhenCalled = new AtomicReference<>();
    CompletableFuture<String> registration = actor.registration();
    actor.subscribe(FRAMEWORK, new Journal() {
      @Override
      public void registered(SchedulerDriver d, String frameworkId, MasterInfo masterInfo) {
        doneWhenCalled.set(registration.isDone());
      }
    });
    drivers.last().callbacks.registered(drivers.last(), "fw-1", MASTER);
    assertThat(registration).isNotDone();
    loop.runPending();
    assertThat(doneWhenCalled.get()).isFalse();
    assertThat(registration.get(0, TimeUnit.SECONDS)).isEqualTo("fw-1");
    assertThat(actor.registration().get(0, TimeUnit.SECONDS)).isEqualTo("fw-1");
  }

  @Test
  void aFatalErrorBeforeRegistrationFailsTheWaitWithTheMastersWords() {
    actor.subscribe(FRAMEWORK, new Journal());
    drivers.last().callbacks.error(drivers.last(), "framework role 'x' is not allowed");
    loop.runPending();
    assertThatThrownBy(() -> actor.registration().get(0, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(IllegalStateException.class).hasMessage("framework role 'x' is not allowed");
  }

  /**
   * A bridge that answers an error by subscribing anew (a stored framework id the master removed)
   * keeps its registration pending; the old driver's later callbacks are dropped.
   */
  @Test
  void subscribingAgainOnAnErrorKeepsTheWaitAndDropsTheOldDriversCallbacks() throws Exception {
    Journal journal = new Journal() {
      @Override
      public void error(SchedulerDriver d, String message) {
        super.error(d, message);
        actor.subscribe(FRAMEWORK.toBuilder().clearId().build(), this);
      }
    };
    actor.subscribe(FRAMEWORK.toBuilder().setId("old").build(), journal);
    RecordingDriver old = drivers.last();
    old.callbacks.error(old, "framework old was removed and cannot subscribe again");
    loop.runPending();
    RecordingDriver fresh = drivers.last();
    assertThat(fresh).isNotSameAs(old);
    assertThat(fresh.framework.getId()).isEmpty();
    assertThat(actor.registration()).isNotDone();

    old.callbacks.disconnected(old);
    fresh.callbacks.registered(fresh, "new", MASTER);
    loop.runPending();
    assertThat(journal.seen).containsExactly("error framework old was removed and cannot subscribe again",
        "registered new");
    assertThat(actor.registration().get(0, TimeUnit.SECONDS)).isEqualTo("new");
  }

  @Test
  void closingTearsTheFrameworkDownOrFailsItOverAndEndsTheLoop() {
    actor.subscribe(FRAMEWORK, new Journal());
    drivers.last().take();
    actor.close();
    assertThat(drivers.last().take()).containsExactly("stop teardown", "join");
    assertThat(actor.closing()).isTrue();
    List<String> ran = new ArrayList<>();
    actor.execute(() -> ran.add("late"));
    loop.runPending();
    assertThat(ran).as("the loop is closed").isEmpty();

    ManualEventLoop other = new ManualEventLoop();
    FrameworkActor failingOver = new FrameworkActor(other, other.clock(), drivers);
    failingOver.subscribe(FRAMEWORK, new Journal());
    drivers.last().take();
    failingOver.close(true);
    assertThat(drivers.last().take()).containsExactly("stop failover", "join");
  }

  @Test
  void closingBeforeSubscribingOnlyEndsTheLoop() {
    actor.close();
    assertThat(drivers.drivers).isEmpty();
    assertThat(actor.closing()).isTrue();
  }

  @Test
  void aRepeatedTaskRunsEveryDelayOnTheLoopUntilClosed() {
    List<java.time.Instant> runs = new ArrayList<>();
    actor.every(Duration.ofSeconds(2), () -> runs.add(loop.now()));
    loop.advance(Duration.ofSeconds(5));
    assertThat(runs).hasSize(2);
    actor.close();
    loop.advance(Duration.ofSeconds(10));
    assertThat(runs).hasSize(2);
  }

  /** A host's thread waits for a query of the actor's state; with a threaded loop that is its own thread. */
  @Test
  void aThreadedActorAnswersQueriesOnItsThreadAndDrainsWhatIsQueuedWhenClosed() throws Exception {
    FrameworkActor threaded = FrameworkActor.threaded("corral-test-actor", drivers);
    try {
      assertThat(threaded.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS))
          .isEqualTo("corral-test-actor");
      CompletableFuture<String> queued = new CompletableFuture<>();
      threaded.execute(() -> queued.complete("ran"));
      threaded.close();
      assertThat(queued).isCompletedWithValue("ran");
    } finally {
      threaded.close();
    }
  }

  @Test
  void theLoopAndClockAreTheOnesGiven() {
    EventLoop given = actor.loop();
    assertThat(given).isSameAs(loop);
    assertThat(actor.clock().instant()).isEqualTo(loop.now());
  }
}
