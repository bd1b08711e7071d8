package io.corral.executor.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.ManualEventLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * When the checker checks, how long a check may take, and what it tells its listener, on a manual loop:
 * a probe whose checks the test ends (or leaves hanging), no real time.
 */
class HealthCheckerTest {
  private final ManualEventLoop loop = new ManualEventLoop();
  private final Instant start = loop.now();
  private final FakeProbe probe = new FakeProbe();
  private final List<String> told = new ArrayList<>();

  /** Checks started so far, with the second they started at; each one ended by the test. */
  private final class FakeProbe implements Probe {
    final List<Long> startedAt = new ArrayList<>();
    final List<CompletableFuture<CheckResult>> runs = new ArrayList<>();
    int cancelled;

    @Override
    public String what() {
      return "TCP connect to 127.0.0.1:31000";
    }

    @Override
    public Run start() {
      startedAt.add(Duration.between(start, loop.now()).toSeconds());
      CompletableFuture<CheckResult> f = new CompletableFuture<>();
      runs.add(f);
      return new Run(f, () -> cancelled++);
    }

    void pass() {
      end(CheckResult.passed("ok"));
    }

    void fail() {
      end(CheckResult.failed("connection refused"));
    }

    void end(CheckResult r) {
      runs.get(runs.size() - 1).complete(r);
      loop.runPending();
    }
  }

  private HealthChecker checker(HealthCheckSettings settings) {
    HealthChecker c = new HealthChecker("t1", settings, probe, loop, loop.clock(), new HealthChecker.Listener() {
      @Override
      public void healthChanged(boolean healthy, String message) {
        told.add((healthy ? "healthy: " : "unhealthy: ") + message);
      }

      @Override
      public void unhealthy(String message) {
        told.add("kill: " + message);
      }
    });
    c.start();
    loop.advance(Duration.ZERO); // and a first check due at once
    return c;
  }

  /** Delay 5 s, interval 10 s, timeout 3 s, 3 failures, no grace. */
  private static HealthCheckSettings settings() {
    return new HealthCheckSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(3), 3,
        Duration.ZERO);
  }

  private void advance(long seconds) {
    loop.advance(Duration.ofSeconds(seconds));
  }

  @Test
  void theFirstCheckComesAfterTheDelayTheNextAnIntervalAfterEachEnds() {
    checker(settings());
    advance(4);
    assertThat(probe.startedAt).isEmpty();
    advance(1);
    assertThat(probe.startedAt).containsExactly(5L);

    advance(2);
    probe.pass(); // ended at 7 s
    advance(9);
    assertThat(probe.startedAt).as("10 s after the end, not the start").containsExactly(5L);
    advance(1);
    assertThat(probe.startedAt).containsExactly(5L, 17L);
    probe.pass();
    advance(10);
    assertThat(probe.startedAt).containsExactly(5L, 17L, 27L);
    assertThat(told).containsExactly("healthy: ok");
  }

  @Test
  void aCheckThatHangsFailsAtItsTimeoutAndIsStopped() {
    checker(settings());
    advance(5);
    advance(2);
    assertThat(told).isEmpty();
    advance(1);

    assertThat(told).containsExactly("unhealthy: TCP connect to 127.0.0.1:31000 timed out after 3s");
    assertThat(probe.cancelled).isEqualTo(1);
    probe.runs.get(0).complete(CheckResult.passed("late"));
    loop.runPending();
    assertThat(told).as("a result after the timeout is dropped").hasSize(1);
    advance(10);
    assertThat(probe.startedAt).as("the next one 10 s after the timeout").containsExactly(5L, 18L);
  }

  @Test
  void onlyChangesAreToldAndTooManyFailuresInARowKillOnce() {
    checker(settings());
    advance(5);
    probe.pass();
    for (int i = 0; i < 2; i++) {
      advance(10);
      probe.pass();
    }
    advance(10);
    probe.fail();
    advance(10);
    probe.fail();
    advance(10);
    probe.pass();
    advance(10);
    probe.fail();
    advance(10);
    probe.fail();
    advance(10);
    probe.fail();

    assertThat(told).containsExactly("healthy: ok", "unhealthy: connection refused", "healthy: ok",
        "unhealthy: connection refused", "kill: killed after 3 consecutive failed health checks: connection refused");
    advance(60);
    assertThat(probe.startedAt).as("no check after the kill").hasSize(9);
    assertThat(loop.scheduledCount()).isZero();
  }

  @Test
  void failuresWithinTheGracePeriodAreNotToldUntilItEnds() {
    checker(new HealthCheckSettings(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 2,
        Duration.ofSeconds(3)));
    probe.fail(); // at 0 s
    advance(1);
    probe.fail();
    advance(1);
    probe.fail();
    assertThat(told).isEmpty();
    advance(1);
    probe.fail(); // at 3 s: the grace period is over
    advance(1);
    probe.fail();

    assertThat(probe.startedAt).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(told).containsExactly("unhealthy: connection refused",
        "kill: killed after 2 consecutive failed health checks: connection refused");
  }

  @Test
  void stopEndsTheCheckUnderWayAndNothingIsToldAfter() {
    HealthChecker c = checker(settings());
    advance(5);
    assertThat(probe.runs).hasSize(1);

    c.stop();

    assertThat(probe.cancelled).isEqualTo(1);
    probe.pass();
    advance(100);
    assertThat(told).isEmpty();
    assertThat(probe.startedAt).hasSize(1);
    assertThat(loop.scheduledCount()).isZero();
    c.stop(); // twice is harmless
  }

  @Test
  void stoppedBeforeItsFirstCheckItNeverChecks() {
    HealthChecker c = checker(settings());
    c.stop();
    advance(100);
    assertThat(probe.startedAt).isEmpty();
  }

  @Test
  void aProbeThatCannotStartIsAFailedCheck() {
    HealthChecker c = new HealthChecker("t1", new HealthCheckSettings(Duration.ZERO, Duration.ofSeconds(1),
        Duration.ofSeconds(1), 1, Duration.ZERO), new Probe() {
          @Override
          public String what() {
            return "command";
          }

          @Override
          public Run start() {
            throw new IllegalStateException("no workers left");
          }
        }, loop, loop.clock(), new HealthChecker.Listener() {
          @Override
          public void healthChanged(boolean healthy, String message) {
            told.add("changed " + healthy);
          }

          @Override
          public void unhealthy(String message) {
            told.add("kill: " + message);
          }
        });
    c.start();
    loop.advance(Duration.ZERO);

    assertThat(told).containsExactly("kill: killed after 1 failed health check: command: no workers left");
  }
}
