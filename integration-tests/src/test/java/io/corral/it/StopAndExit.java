package io.corral.it;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.protocol.FrameworkInfo;
import io.corral.scheduler.CorralSchedulerDriver;

/**
 * A scheduler process for {@link SchedulerStopIT}: registers with the master given as its argument,
 * prints "registered <framework id>", calls {@code stop()} and halts the JVM at once (no shutdown
 * hooks, nothing else to wait for).
 */
public final class StopAndExit {
  private StopAndExit() {}

  public static void main(String[] args) {
    RecordingScheduler s = new RecordingScheduler();
    CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("stop-and-exit")
        .build(), args[0]);
    driver.start();
    s.awaitRegistered();
    System.out.println("registered " + s.frameworkId());
    System.out.flush();
    driver.stop();
    Runtime.getRuntime().halt(0);
  }
}
