package io.corral.common.election;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A leader's lease on its leadership: valid until a moment that each confirmed ZooKeeper round trip
 * moves to {@code length} after the trip began (never back). Times are those of a monotonic clock,
 * in nanoseconds, so a wall-clock step cannot stretch a lease. Thread-safe.
 */
final class Lease {
  private final long lengthNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong until;

  /** An expired lease of {@code length}, on {@code nanoTime}'s time. */
  Lease(Duration length, LongSupplier nanoTime) {
    this.lengthNanos = length.toNanos();
    this.nanoTime = nanoTime;
    this.until = new AtomicLong(nanoTime.getAsLong());
  }

  /** When a round trip begins: what to pass to {@link #confirmed} once it succeeded. */
  long trip() {
    return nanoTime.getAsLong();
  }

  /** The round trip begun at {@code began} succeeded. */
  void confirmed(long began) {
    long end = began + lengthNanos;
    until.accumulateAndGet(end, (current, proposed) -> proposed - current > 0 ? proposed : current);
  }

  /** Ends the lease now (the session or the leadership is lost). */
  void revoke() {
    until.set(nanoTime.getAsLong());
  }

  boolean valid() {
    return until.get() - nanoTime.getAsLong() > 0;
  }
}
