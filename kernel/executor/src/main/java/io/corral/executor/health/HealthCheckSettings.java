package io.corral.executor.health;

import io.corral.protocol.HealthCheck;
import java.time.Duration;

/**
 * The timing of a task's health check, its unset fields at Mesos' defaults: the first check 15 s
 * after the task starts, then one every 10 s after the previous ended, each given 20 s; failures
 * within 10 s of the start do not count until a check passes; 3 failures in a row kill the task.
 */
public record HealthCheckSettings(Duration delay, Duration interval, Duration timeout, int consecutiveFailures,
    Duration gracePeriod) {
  static final double DEFAULT_DELAY_SECONDS = 15;
  static final double DEFAULT_INTERVAL_SECONDS = 10;
  static final double DEFAULT_TIMEOUT_SECONDS = 20;
  static final int DEFAULT_CONSECUTIVE_FAILURES = 3;
  static final double DEFAULT_GRACE_PERIOD_SECONDS = 10;

  public HealthCheckSettings {
    if (delay.isNegative() || interval.isNegative() || gracePeriod.isNegative() || timeout.isNegative()
        || timeout.isZero()) {
      throw new IllegalArgumentException("durations must not be negative, the timeout above 0");
    }
    if (consecutiveFailures < 1) {
      throw new IllegalArgumentException("consecutive failures must be at least 1: " + consecutiveFailures);
    }
  }

  /** The settings of {@code check} (the master has validated them). */
  public static HealthCheckSettings of(HealthCheck check) {
    return new HealthCheckSettings(
        seconds(check.hasDelaySeconds() ? check.getDelaySeconds() : DEFAULT_DELAY_SECONDS),
        seconds(check.hasIntervalSeconds() ? check.getIntervalSeconds() : DEFAULT_INTERVAL_SECONDS),
        seconds(check.hasTimeoutSeconds() ? check.getTimeoutSeconds() : DEFAULT_TIMEOUT_SECONDS),
        check.hasConsecutiveFailures() ? check.getConsecutiveFailures() : DEFAULT_CONSECUTIVE_FAILURES,
        seconds(check.hasGracePeriodSeconds() ? check.getGracePeriodSeconds() : DEFAULT_GRACE_PERIOD_SECONDS));
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  /** A duration as the messages say it: "2s", "0.5s", "1.25s". */
  static String say(Duration d) {
    java.math.BigDecimal s = java.math.BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros();
    return s.toPlainString() + "s";
  }
}
