package io.corral.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration INITIAL = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofMillis(1600);

  /** The un-jittered delay of the n-th call (0-based): doubling from INITIAL, capped at MAX. */
  private static long baseMillis(int n) {
    long base = INITIAL.toMillis() << Math.min(n, 20);
    return Math.min(base, MAX.toMillis());
  }

  @Test
  void delaysDoubleUpToTheCapWithinHalfOfTheBase() {
    for (int trial = 0; trial < 200; trial++) {
      Backoff backoff = new Backoff(INITIAL, MAX);
      for (int n = 0; n < 10; n++) {
        long base = baseMillis(n);
        Duration d = backoff.nextDelay();
        assertThat(d.toNanos())
            .as("delay %d (base %d ms)", n, base)
            .isGreaterThanOrEqualTo(Duration.ofMillis(base).toNanos() / 2)
            .isLessThan(Duration.ofMillis(base).toNanos() * 3 / 2);
      }
    }
  }

  @Test
  void theCapHolds() {
    Backoff backoff = new Backoff(INITIAL, MAX);
    for (int n = 0; n < 100; n++) {
      backoff.nextDelay();
    }
    for (int n = 0; n < 100; n++) {
      assertThat(backoff.nextDelay()).isLessThan(MAX.multipliedBy(3).dividedBy(2));
    }
  }

  @Test
  void jitterSpreadsAcrossBothHalves() {
    List<Duration> firsts = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      firsts.add(new Backoff(INITIAL, MAX).nextDelay());
    }
    // Uniform over [50ms, 150ms): each quarter is hit with overwhelming probability.
    assertThat(firsts).anyMatch(d -> d.compareTo(Duration.ofMillis(75)) < 0);
    assertThat(firsts).anyMatch(d -> d.compareTo(Duration.ofMillis(125)) > 0);
    assertThat(firsts).allMatch(d -> d.compareTo(Duration.ofMillis(50)) >= 0
        && d.compareTo(Duration.ofMillis(150)) < 0);
  }

  @Test
  void resetStartsOverFromTheInitialDelay() {
    Backoff backoff = new Backoff(INITIAL, MAX);
    for (int n = 0; n < 6; n++) {
      backoff.nextDelay();
    }
    assertThat(backoff.nextDelay()).isGreaterThanOrEqualTo(MAX.dividedBy(2));
    backoff.reset();
    assertThat(backoff.nextDelay()).isLessThan(INITIAL.multipliedBy(3).dividedBy(2));
  }
}
