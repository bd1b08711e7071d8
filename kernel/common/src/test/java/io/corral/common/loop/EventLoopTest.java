package io.corral.common.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EventLoopTest {
  private final EventLoop loop = EventLoop.threaded("test-loop");

  @AfterEach
  void close() {
    loop.close();
  }

  @Test
  void tasksRunInOrderOnOneNamedThread() throws Exception {
    // Only the loop thread touches these lists, which is what the test checks.
    List<Integer> order = new ArrayList<>();
    Set<Thread> threads = new HashSet<>();
    List<Boolean> inLoop = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      int n = i;
      loop.execute(() -> {
        order.add(n);
        threads.add(Thread.currentThread());
        inLoop.add(loop.inLoop());
      });
    }
    List<Integer> seen = loop.submit(() -> new ArrayList<>(order)).get(10, TimeUnit.SECONDS);

    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      expected.add(i);
    }
    assertThat(seen).isEqualTo(expected);
    Set<Thread> used = loop.submit(() -> new HashSet<>(threads)).get(10, TimeUnit.SECONDS);
    assertThat(used).hasSize(1);
    assertThat(used.iterator().next().getName()).isEqualTo("test-loop");
    assertThat(loop.submit(() -> inLoop.stream().allMatch(b -> b)).get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(loop.inLoop()).isFalse();
  }

  @Test
  void aThrowingTaskDoesNotStopTheLoop() throws Exception {
    loop.execute(() -> {
      throw new IllegalStateException("boom (expected by the test)");
    });
    loop.execute(() -> {
      throw new AssertionError("an Error too (expected by the test)");
    });
    assertThat(loop.submit(() -> 42).get(10, TimeUnit.SECONDS)).isEqualTo(42);
  }

  @Test
  void submitReturnsTheResultOrTheFailure() throws Exception {
    assertThat(loop.submit(() -> "hello").get(10, TimeUnit.SECONDS)).isEqualTo("hello");
    CompletableFuture<String> failed = loop.submit(() -> {
      throw new IllegalArgumentException("bad (expected by the test)");
    });
    assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(loop.submit(() -> "still running").get(10, TimeUnit.SECONDS)).isEqualTo("still running");
  }

  @Test
  void scheduledTasksRunOnTheLoopAfterTheirDelay() {
    AtomicLong ranAfterNanos = new AtomicLong(-1);
    AtomicBoolean onLoop = new AtomicBoolean();
    long start = System.nanoTime();
    loop.schedule(Duration.ofMillis(150), () -> {
      onLoop.set(loop.inLoop());
      ranAfterNanos.set(System.nanoTime() - start);
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> ranAfterNanos.get() >= 0);
    assertThat(Duration.ofNanos(ranAfterNanos.get())).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    assertThat(onLoop).isTrue();
  }

  @Test
  void aCancelledTaskNeverRuns() {
    AtomicBoolean cancelledRan = new AtomicBoolean();
    AtomicBoolean laterRan = new AtomicBoolean();
    EventLoop.Cancellable c = loop.schedule(Duration.ofMillis(100), () -> cancelledRan.set(true));
    c.cancel();
    // A task due after the cancelled one: once it ran, the cancelled one would have too.
    loop.schedule(Duration.ofMillis(300), () -> laterRan.set(true));
    await().atMost(Duration.ofSeconds(10)).untilTrue(laterRan);
    assertThat(cancelledRan).isFalse();
  }

  @Test
  void periodicTasksRepeatUntilCancelled() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    EventLoop.Cancellable c = loop.scheduleWithFixedDelay(Duration.ofMillis(20), runs::incrementAndGet);
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
    c.cancel();
    // Any run in progress when cancelled is over once a task submitted afterwards runs.
    int afterCancel = loop.submit(runs::get).get(10, TimeUnit.SECONDS);
    AtomicBoolean marker = new AtomicBoolean();
    loop.schedule(Duration.ofMillis(200), () -> marker.set(true));
    await().atMost(Duration.ofSeconds(10)).untilTrue(marker);
    assertThat(runs.get()).isEqualTo(afterCancel);
  }

  @Test
  void aFixedDelayTaskDoesNotRunItsMissedRunsBackToBackAfterAStall() throws Exception {
    List<Long> ticks = java.util.Collections.synchronizedList(new ArrayList<>());
    EventLoop.Cancellable c = loop.scheduleWithFixedDelay(Duration.ofMillis(100), () -> ticks.add(System.nanoTime()));
    await().atMost(Duration.ofSeconds(10)).until(() -> ticks.size() >= 1);
    java.util.concurrent.atomic.AtomicLong stallEnd = new java.util.concurrent.atomic.AtomicLong();
    loop.submit(() -> { // the loop stalls for 6 periods (a GC pause, a starved machine)
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(600).toNanos());
      stallEnd.set(System.nanoTime());
      return null;
    }).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> ticks.stream().filter(t -> t > stallEnd.get()).count() >= 2);
    c.cancel();
    long soonAfter = stallEnd.get() + Duration.ofMillis(50).toNanos();
    assertThat(ticks.stream().filter(t -> t > stallEnd.get() && t < soonAfter).count())
        .as("runs right after the stall (a fixed rate would run the 6 missed ones at once)").isLessThanOrEqualTo(1);
  }

  @Test
  void assertInLoopFailsOffTheLoop() throws Exception {
    assertThatThrownBy(loop::assertInLoop)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not from test-loop");
    assertThat(loop.submit(() -> {
      loop.assertInLoop();
      return true;
    }).get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void afterCloseWorkIsDroppedAndSubmitFailsInsteadOfHanging() {
    assertThat(loop.name()).isEqualTo("test-loop");
    loop.close();
    loop.execute(() -> {
      throw new AssertionError("must not run");
    });
    loop.schedule(Duration.ZERO, () -> {
      throw new AssertionError("must not run");
    }).cancel();
    CompletableFuture<Integer> late = loop.submit(() -> 1);
    assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS))
        .as("a future nobody will ever complete would hang its caller")
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(RejectedExecutionException.class);
  }
}
