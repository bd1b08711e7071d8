package io.corral.frameworks.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.common.Drivers;
import io.corral.common.DriverStatus;
import io.corral.protocol.FrameworkInfo;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Drivers that talk to no master: each subscription is kept, for the test to answer as the master would. */
final class FakeDrivers implements Drivers {
  /** One subscription: as whom, and the callbacks that reach the instance. */
  record Subscription(FrameworkInfo framework, Scheduler callbacks, SchedulerDriver driver) {}

  final BlockingQueue<Subscription> subscriptions = new LinkedBlockingQueue<>();

  @Override
  public SchedulerDriver create(Scheduler callbacks, FrameworkInfo framework) {
    SchedulerDriver driver = (SchedulerDriver) Proxy.newProxyInstance(SchedulerDriver.class.getClassLoader(),
        new Class<?>[] {SchedulerDriver.class}, (proxy, method, args) -> switch (method.getName()) {
          case "roles" -> List.of();
          case "toString" -> "fake driver of " + framework.getName();
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> DriverStatus.DRIVER_RUNNING;
        });
    subscriptions.add(new Subscription(framework, callbacks, driver));
    return driver;
  }

  Subscription next() throws InterruptedException {
    Subscription s = subscriptions.poll(20, TimeUnit.SECONDS);
    assertThat(s).as("a subscription to the master within 20 s").isNotNull();
    return s;
  }
}
