package io.corral.executor.health;

import java.time.Instant;

/**
 * What a task's check results mean, as Mesos counts them: pure, time an input.
 *
 * <ul>
 *   <li>Until the first check passes, failures within the grace period (from the task's start) do not
 *       count; the first pass ends the grace period.
 *   <li>A pass resets the count of failures in a row; a failure that counts adds one, and the one that
 *       reaches {@code consecutive_failures} kills the task.
 *   <li>The framework hears of the task's health on the first result that counts and whenever it
 *       changes, not on every check.
 * </ul>
 *
 * After a kill it decides nothing more. Owned by one thread (the checker's loop).
 */
public final class HealthCheckPolicy {

  /** What to do about a result. */
  public sealed interface Decision permits Quiet, Report, Kill {}

  /** Nothing to tell: the health is unchanged, or the failure does not count. */
  public record Quiet() implements Decision {}

  /** Tell the framework the task's health ({@code TASK_RUNNING} with {@code healthy}). */
  public record Report(boolean healthy, String message) implements Decision {}

  /** Kill the task: it failed too many checks in a row. {@code message} says so and names the last failure. */
  public record Kill(String message) implements Decision {}

  private static final Quiet QUIET = new Quiet();

  private final int maxFailures;
  private final Instant graceEnds;
  private Boolean healthy;
  private boolean passedOnce;
  private int failuresInARow;
  private boolean killed;

  /** The policy of a task that started (became RUNNING) at {@code startedAt}. */
  public HealthCheckPolicy(HealthCheckSettings settings, Instant startedAt) {
    this.maxFailures = settings.consecutiveFailures();
    this.graceEnds = startedAt.plus(settings.gracePeriod());
  }

  /** The result of a check that ended (or timed out) at {@code at}. */
  public Decision onResult(Instant at, CheckResult result) {
    if (killed) {
      return QUIET;
    }
    if (result.passed()) {
      passedOnce = true;
      failuresInARow = 0;
      return becomes(true, result.message());
    }
    if (!passedOnce && at.isBefore(graceEnds)) {
      return QUIET;
    }
    failuresInARow++;
    if (failuresInARow >= maxFailures) {
      killed = true;
      healthy = false;
      return new Kill("killed after " + failuresInARow
          + (failuresInARow == 1 ? " failed health check: " : " consecutive failed health checks: ")
          + result.message());
    }
    return becomes(false, result.message());
  }

  private Decision becomes(boolean now, String message) {
    if (healthy != null && healthy == now) {
      return QUIET;
    }
    healthy = now;
    return new Report(now, message);
  }

  /** The health last reported (null: none yet). */
  public Boolean healthy() {
    return healthy;
  }

  /** Failures in a row that counted so far. */
  public int failuresInARow() {
    return failuresInARow;
  }
}
