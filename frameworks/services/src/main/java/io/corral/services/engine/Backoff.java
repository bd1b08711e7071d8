package io.corral.services.engine;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Launch delays for crash-looping apps, as Marathon's rate limiter keeps them: after a task of the
 * app's current configuration fails (or finishes), the app's next launches wait
 * {@code backoffSeconds}; after each further failure the delay grows by {@code backoffFactor}, up to
 * {@code maxLaunchDelaySeconds} ({@code backoffSeconds × backoffFactor^(k-1)} after the k-th failure).
 * The delay is forgotten when the app's configuration changes (a new version gets launched at once),
 * when it is restarted, and once no task failed for the last delay plus {@code maxLaunchDelaySeconds}.
 * Kept in memory only, as Marathon does: a new leader starts without delays.
 */
final class Backoff {
  private record Delay(Instant configVersion, double seconds, Instant until) {}

  private final Map<AppId, Delay> delays = new HashMap<>();

  /** A task of {@code app}'s current configuration failed at {@code now}: the delay grows. */
  void failed(AppDefinition app, Instant configVersion, Instant now) {
    Delay d = delays.get(app.id());
    double seconds = d == null || !d.configVersion().equals(configVersion)
        ? app.backoffSeconds()
        : Math.min(app.maxLaunchDelaySeconds(), d.seconds() * app.backoffFactor());
    seconds = Math.max(0, Math.min(seconds, app.maxLaunchDelaySeconds()));
    delays.put(app.id(), new Delay(configVersion, seconds, now.plus(toDuration(seconds))));
  }

  /** When {@code app} (of {@code configVersion}) may launch again; null when it may now. */
  Instant delayedUntil(AppId app, Instant configVersion, Instant now) {
    Delay d = delays.get(app);
    return d == null || !d.configVersion().equals(configVersion) || !d.until().isAfter(now) ? null : d.until();
  }

  /** The current delay of {@code app} in seconds (0 without one); for views and tests. */
  double seconds(AppId app) {
    Delay d = delays.get(app);
    return d == null ? 0 : d.seconds();
  }

  void reset(AppId app) {
    delays.remove(app);
  }

  /**
   * Forgets the delays that no longer apply: of apps gone or changed ({@code configVersions} gives an
   * app's current one, null when gone), and those quiet for their delay plus the app's maximum.
   */
  void expire(Function<AppId, AppDefinition> apps, Function<AppDefinition, Instant> configVersions, Instant now) {
    delays.entrySet().removeIf(e -> {
      AppDefinition app = apps.apply(e.getKey());
      if (app == null || !e.getValue().configVersion().equals(configVersions.apply(app))) {
        return true;
      }
      return !now.isBefore(e.getValue().until().plus(toDuration(app.maxLaunchDelaySeconds())));
    });
  }

  private static Duration toDuration(double seconds) {
    return Duration.ofNanos((long) (seconds * 1e9));
  }
}
