package io.corral.bridges.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.bridges.common.SchedulerTaskLaunch.Stage;
import io.corral.common.loop.ManualEventLoop;
import io.corral.protocol.FrameworkInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A scheduler task's launch while the master may refuse it for the scheduler tasks' share: it waits
 * for a slot, tries again {@link SchedulerTaskLaunch#SLOT_RETRY} later, and its timeout counts from
 * the latest refusal. Time is a manual loop's: nothing waits in real time.
 */
class SchedulerTaskLaunchTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration JUST_BEFORE = Duration.ofMillis(1);

  private final ManualEventLoop loop = new ManualEventLoop();
  private final RecordingDriver driver = new RecordingDriver(null, FrameworkInfo.getDefaultInstance());
  private final List<String> waits = new ArrayList<>();
  private final SchedulerTaskLaunch<String> launch = new SchedulerTaskLaunch<>(TIMEOUT, loop::schedule, waits::add);

  @Test
  void aLaunchTheShareRefusedWaitsForASlotAndIsTriedAgainLater() {
    launch.start();
    assertThat(launch.stage()).isEqualTo(Stage.READY);
    assertThat(launch.mayLaunch()).isTrue();
    launch.launched();
    assertThat(launch.mayLaunch()).as("launched: no second launch").isFalse();

    launch.refused(driver, "the share is taken");
    assertThat(launch.stage()).isEqualTo(Stage.WAITING_FOR_SLOT);
    assertThat(launch.mayLaunch()).as("waits: no launch until the retry is due").isFalse();
    assertThat(waits).containsExactly("the share is taken");
    assertThat(launch.waitedForSlot()).isTrue();

    loop.advance(SchedulerTaskLaunch.SLOT_RETRY.minus(JUST_BEFORE));
    assertThat(driver.take()).isEmpty();
    loop.advance(JUST_BEFORE);
    assertThat(driver.take()).as("offers again once the retry is due").containsExactly("revive");
    assertThat(launch.mayLaunch()).isTrue();

    launch.launched();
    launch.refused(driver, "still taken");
    assertThat(waits).as("said once, while it waits").containsExactly("the share is taken");
    loop.advance(SchedulerTaskLaunch.SLOT_RETRY);
    assertThat(driver.take()).as("refused again: tried again").containsExactly("revive");
  }

  @Test
  void refusalsWhileWaitingMakeOneRetry() {
    launch.start();
    launch.launched();
    launch.refused(driver, "taken");
    launch.refused(driver, "taken");
    loop.advance(SchedulerTaskLaunch.SLOT_RETRY.multipliedBy(3));
    assertThat(driver.take()).containsExactly("revive");
  }

  @Test
  void theTimeoutCountsFromTheLatestRefusal() throws Exception {
    launch.start();
    launch.launched();
    loop.advance(Duration.ofSeconds(50));
    launch.refused(driver, "taken");
    loop.advance(TIMEOUT.minus(JUST_BEFORE)); // well past the first deadline
    launch.running("F1");
    assertThat(launch.await()).isEqualTo("F1");
  }

  @Test
  void aLaunchThatDoesNotRunWithinTheTimeoutTimesOut() {
    launch.start();
    launch.launched();
    loop.advance(Duration.ofSeconds(50));
    launch.refused(driver, "taken");
    loop.advance(TIMEOUT);
    launch.running("too late");
    assertThatThrownBy(launch::await).isInstanceOf(TimeoutException.class);
  }

  @Test
  void aFailedLaunchSaysWhy() {
    launch.start();
    launch.failed(new IOException("the AM ended before it started"));
    assertThatThrownBy(launch::await).isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("the AM ended before it started");
  }
}
