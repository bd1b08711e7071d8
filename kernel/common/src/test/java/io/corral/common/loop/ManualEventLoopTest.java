package io.corral.common.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.loop.EventLoop.Cancellable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class ManualEventLoopTest {
  private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
  private final ManualEventLoop loop = new ManualEventLoop("test", START);
  private final List<String> ran = new ArrayList<>();

  @Test
  void queuedTasksRunOnlyWhenAskedAndInOrderWithWhatTheyQueue() {
    loop.execute(() -> {
      ran.add("a");
      loop.execute(() -> ran.add("c"));
    });
    loop.execute(() -> ran.add("b"));
    assertThat(ran).isEmpty();

    assertThat(loop.runPending()).isEqualTo(3);

    assertThat(ran).containsExactly("a", "b", "c");
  }

  @Test
  void timersRunInDueOrderAtTheirDueTimeAndNotBefore() {
    loop.schedule(Duration.ofSeconds(30), () -> ran.add("30s@" + loop.clock().instant()));
    loop.schedule(Duration.ofSeconds(10), () -> ran.add("10s@" + loop.now()));
    loop.schedule(Duration.ofSeconds(10), () -> ran.add("10s-second"));

    loop.advance(Duration.ofSeconds(9));
    assertThat(ran).isEmpty();
    assertThat(loop.nextDue()).isEqualTo(START.plusSeconds(10));

    loop.advance(Duration.ofSeconds(21));

    assertThat(ran).containsExactly("10s@" + START.plusSeconds(10), "10s-second", "30s@" + START.plusSeconds(30));
    assertThat(loop.now()).isEqualTo(START.plusSeconds(30));
    assertThat(loop.scheduledCount()).isZero();
  }

  @Test
  void aTimerSetByATimerRunsInTheSameAdvanceWhenItFallsDueInIt() {
    loop.schedule(Duration.ofSeconds(5), () -> loop.schedule(Duration.ofSeconds(5), () -> ran.add("second")));

    loop.advance(Duration.ofSeconds(10));

    assertThat(ran).containsExactly("second");
  }

  @Test
  void whatATimerQueuesRunsBeforeTheNextTimer() {
    loop.schedule(Duration.ofSeconds(1), () -> loop.execute(() -> ran.add("queued by the first")));
    loop.schedule(Duration.ofSeconds(2), () -> ran.add("second timer"));

    loop.advance(Duration.ofSeconds(2));

    assertThat(ran).containsExactly("queued by the first", "second timer");
  }

  @Test
  void aCancelledTimerNeverRuns() {
    Cancellable c = loop.schedule(Duration.ofSeconds(1), () -> ran.add("cancelled"));
    c.cancel();

    loop.advance(Duration.ofMinutes(1));

    assertThat(ran).isEmpty();
  }

  @Test
  void aFixedDelayTaskRepeatsAfterEachRunUntilCancelled() {
    Cancellable c = loop.scheduleWithFixedDelay(Duration.ofSeconds(10), () -> ran.add("tick@" + loop.now()));

    loop.advance(Duration.ofSeconds(35));
    c.cancel();
    loop.advance(Duration.ofMinutes(5));

    assertThat(ran).containsExactly("tick@" + START.plusSeconds(10), "tick@" + START.plusSeconds(20),
        "tick@" + START.plusSeconds(30));
  }

  @Test
  void aTaskThatThrowsIsKeptAndTheLoopCarriesOn() {
    loop.execute(() -> {
      throw new IllegalStateException("boom");
    });
    loop.execute(() -> ran.add("after"));
    loop.scheduleWithFixedDelay(Duration.ofSeconds(1), () -> {
      ran.add("tick");
      throw new IllegalArgumentException("again");
    });

    loop.advance(Duration.ofSeconds(2));

    assertThat(ran).containsExactly("after", "tick", "tick");
    assertThat(loop.errors()).extracting(Throwable::getMessage).containsExactly("boom", "again", "again");
  }

  @Test
  void submitCompletesWhenTheTaskRunsAndFailsWithItsError() {
    CompletableFuture<Integer> ok = loop.submit(() -> 42);
    CompletableFuture<Integer> bad = loop.submit(() -> {
      throw new IllegalStateException("no");
    });
    assertThat(ok).isNotDone();

    loop.runPending();

    assertThat(ok).isCompletedWithValue(42);
    assertThat(bad).isCompletedExceptionally();
    assertThat(loop.errors()).isEmpty();
  }

  @Test
  void aClosedLoopDropsWhatWaitsAndRefusesWhatComes() {
    loop.execute(() -> ran.add("queued"));
    loop.schedule(Duration.ofSeconds(1), () -> ran.add("timer"));

    loop.close();
    loop.execute(() -> ran.add("late"));
    loop.advance(Duration.ofSeconds(5));

    assertThat(ran).isEmpty();
    assertThat(loop.submit(() -> 1)).isCompletedExceptionally().failsWithin(Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void theTestThreadIsTheLoopAndTimeOnlyMovesForward() {
    assertThat(loop.inLoop()).isTrue();
    loop.assertInLoop();
    assertThatThrownBy(() -> loop.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(loop.clock().withZone(java.time.ZoneId.of("Europe/Paris")).instant()).isEqualTo(START);
  }

  @Test
  void otherThreadsMayHandItWorkAndReadItsTimeButOnlyTheTestsThreadRunsIt() throws Exception {
    List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread worker = new Thread(() -> {
      loop.execute(() -> threads.add("queued, ran on " + Thread.currentThread().getName()));
      loop.schedule(Duration.ofSeconds(5), () -> threads.add("timer, ran on " + Thread.currentThread().getName()));
      threads.add("worker read " + loop.clock().instant());
    }, "worker");
    worker.start();
    worker.join();
    assertThat(threads).containsExactly("worker read " + START);

    loop.advance(Duration.ofSeconds(5));

    String me = Thread.currentThread().getName();
    assertThat(threads).containsExactly("worker read " + START, "queued, ran on " + me, "timer, ran on " + me);
    java.util.concurrent.atomic.AtomicReference<Throwable> refused = new java.util.concurrent.atomic.AtomicReference<>();
    Thread other = new Thread(() -> {
      try {
        loop.runPending();
      } catch (IllegalStateException e) {
        refused.set(e);
      }
    });
    other.start();
    other.join();
    assertThat(refused.get()).isNotNull();
  }
}
