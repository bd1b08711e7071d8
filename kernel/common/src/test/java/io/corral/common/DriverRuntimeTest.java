package io.corral.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A driver's stop waits for its clean-up (a teardown the master must confirm) before its caller goes on. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DriverRuntimeTest {
  @Test
  void finishingOffTheDriverThreadReturnsOnceTheCleanupIsDone() throws Exception {
    DriverRuntime runtime = new DriverRuntime("finish-test");
    runtime.start(() -> {});
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    AtomicReference<DriverStatus> returned = new AtomicReference<>();
    Thread caller = new Thread(() -> returned.set(runtime.finishAfter(DriverStatus.DRIVER_STOPPED, () -> confirmed)));
    caller.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> caller.getState() == Thread.State.TIMED_WAITING);
    assertThat(returned.get()).as("returned before the clean-up was done").isNull();
    assertThat(runtime.status()).isEqualTo(DriverStatus.DRIVER_STOPPED);

    runtime.loop().execute(() -> confirmed.complete(null)); // the confirmation arrives on the driver thread
    caller.join(10_000);
    assertThat(returned.get()).isEqualTo(DriverStatus.DRIVER_STOPPED);
    assertThat(runtime.join()).isEqualTo(DriverStatus.DRIVER_STOPPED);
  }

  @Test
  void finishingOnTheDriverThreadDoesNotWaitForItself() throws Exception {
    DriverRuntime runtime = new DriverRuntime("finish-on-loop-test");
    runtime.start(() -> {});
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    DriverStatus returned = runtime.loop().submit(() -> runtime.finishAfter(DriverStatus.DRIVER_ABORTED,
        () -> confirmed)).get(10, TimeUnit.SECONDS);
    assertThat(returned).isEqualTo(DriverStatus.DRIVER_ABORTED);
    CompletableFuture<DriverStatus> joined = CompletableFuture.supplyAsync(runtime::join);
    runtime.loop().execute(() -> confirmed.complete(null));
    assertThat(joined.get(10, TimeUnit.SECONDS)).isEqualTo(DriverStatus.DRIVER_ABORTED);
  }
}
