package io.corral.services.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * How the engine behaves.
 *
 * @param frameworkRole the role of apps that name none (the framework's role)
 * @param leaderUrl this instance's URL, shown in snapshots ({@code GET /v2/leader})
 * @param busyRefuseSeconds how long an unused offer is declined while tasks wait for offers
 * @param idleRefuseSeconds how long while none waits
 * @param killRetry how long a kill may go unanswered before it is sent again
 * @param launchTimeout how long a task may stay staging before it is killed (and replaced)
 * @param reconcileInterval how often every task is reconciled with the master
 */
public record EngineConfig(String frameworkRole, String leaderUrl, double busyRefuseSeconds,
    double idleRefuseSeconds, Duration killRetry, Duration launchTimeout, Duration reconcileInterval) {
  public EngineConfig {
    Objects.requireNonNull(frameworkRole, "frameworkRole");
    Objects.requireNonNull(killRetry, "killRetry");
    Objects.requireNonNull(launchTimeout, "launchTimeout");
    Objects.requireNonNull(reconcileInterval, "reconcileInterval");
  }

  /**
   * The defaults: offers declined for 5 s while tasks wait, 120 s otherwise; kills resent after 10 s
   * (Marathon's kill retry); staging tasks killed after 5 minutes (Marathon's task launch timeout);
   * every task reconciled every 5 minutes.
   */
  public static EngineConfig defaults(String frameworkRole, String leaderUrl) {
    return new EngineConfig(frameworkRole, leaderUrl, 5, 120, Duration.ofSeconds(10), Duration.ofMinutes(5),
        Duration.ofMinutes(5));
  }
}
