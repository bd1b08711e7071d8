package io.corral.bridges.common;

import io.corral.common.security.ClientCredentials;
import io.corral.protocol.FrameworkInfo;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;

/** Makes the driver a {@link FrameworkActor} subscribes with (not started yet). */
@FunctionalInterface
public interface Drivers {
  SchedulerDriver create(Scheduler callbacks, FrameworkInfo framework);

  /**
   * Corral's driver for {@code master} ({@code host:port} or {@code zk://...}), presenting
   * {@code credentials}, with status updates acknowledged as each callback returns.
   */
  static Drivers corral(String master, ClientCredentials credentials) {
    return (callbacks, framework) -> new CorralSchedulerDriver(callbacks, framework, master, true, credentials);
  }
}
