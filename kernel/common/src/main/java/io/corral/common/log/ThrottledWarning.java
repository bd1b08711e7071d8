package io.corral.common.log;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A warning that peers can make repeat at will (a refused connection, a malformed message): logged
 * at most once per interval, the ones held back in between counted and their number given with the
 * next one logged, so that a flood of them costs a line a minute instead of filling the disk. Safe
 * from any thread (Netty's included); never logs a stack trace.
 */
public final class ThrottledWarning {
  /** How often a warning of one kind is logged at most, unless told otherwise. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong nextNanos;
  private final AtomicLong held = new AtomicLong();

  /** At most one line per {@link #DEFAULT_INTERVAL} on {@code log}. */
  public ThrottledWarning(Logger log) {
    this(log, DEFAULT_INTERVAL, System::nanoTime);
  }

  /** @param nanoTime the clock, as {@link System#nanoTime} */
  public ThrottledWarning(Logger log, Duration interval, LongSupplier nanoTime) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
    this.nextNanos = new AtomicLong(nanoTime.getAsLong());
  }

  /**
   * Logs the warning (an SLF4J format and its arguments) unless one was logged less than an
   * interval ago, in which case it is only counted. Returns whether it was logged.
   */
  public boolean warn(String format, Object... args) {
    long now = nanoTime.getAsLong();
    long next = nextNanos.get();
    if (now - next < 0 || !nextNanos.compareAndSet(next, now + intervalNanos)) {
      held.incrementAndGet();
      return false;
    }
    long skipped = held.getAndSet(0);
    Object[] values = Arrays.copyOf(args, args.length + (skipped == 0 ? 0 : 1));
    for (int i = 0; i < args.length; i++) {
      if (values[i] instanceof Throwable t) {
        values[i] = t.toString(); // a value in the line, not a stack trace after it
      }
    }
    if (skipped == 0) {
      log.warn(format, values);
    } else {
      values[args.length] = skipped;
      log.warn(format + " ({} more like it were not logged)", values);
    }
    return true;
  }
}
