package io.corral.common.net;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Jittered exponential backoff: each delay doubles up to a cap, with ±50% jitter. */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private Duration next;

  public Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
    this.next = initial;
  }

  /** The next delay to wait, then doubles the one after it. */
  public Duration nextDelay() {
    Duration base = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    long nanos = base.toNanos();
    long jittered = nanos / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, nanos));
    return Duration.ofNanos(jittered);
  }

  public void reset() {
    next = initial;
  }
}
