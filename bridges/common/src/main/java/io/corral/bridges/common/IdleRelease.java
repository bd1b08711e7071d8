package io.corral.bridges.common;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When a {@link Fleet} lets its idle executors go.
 *
 * @param timeout how long an executor stays idle before it is released; empty: never for idleness
 *     (only when the bridge says so)
 * @param resend how often a release is made again while the executor is still there; empty: once
 *     (a release that cannot get lost, such as a kill; a framework message can)
 */
public record IdleRelease(Optional<Duration> timeout, Optional<Duration> resend) {
  public IdleRelease {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(resend, "resend");
    timeout.ifPresent(t -> {
      if (t.isNegative()) {
        throw new IllegalArgumentException("the idle timeout cannot be negative: " + t);
      }
    });
    resend.ifPresent(r -> {
      if (r.isNegative() || r.isZero()) {
        throw new IllegalArgumentException("the resend interval must be positive: " + r);
      }
    });
  }

  /** Executors go only when the bridge releases them. */
  public static IdleRelease never() {
    return new IdleRelease(Optional.empty(), Optional.empty());
  }

  /** Executors idle for {@code timeout} are released. */
  public static IdleRelease after(Duration timeout) {
    return new IdleRelease(Optional.of(timeout), Optional.empty());
  }

  /** The same, each release made again every {@code every} while its executor is there. */
  public IdleRelease resentEvery(Duration every) {
    return new IdleRelease(timeout, Optional.of(every));
  }
}
