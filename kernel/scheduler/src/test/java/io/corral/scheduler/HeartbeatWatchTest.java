package io.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.ManualEventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler driver's watch on a silent master, on a manual loop: no real time passes. */
class HeartbeatWatchTest {
  private static final Duration INTERVAL = Duration.ofSeconds(15);
  private static final Duration MS = Duration.ofMillis(1);

  private final ManualEventLoop loop = new ManualEventLoop();
  private final List<String> silences = new ArrayList<>();
  private final HeartbeatWatch watch = new HeartbeatWatch(loop, 3,
      quiet -> silences.add(quiet + " at " + loop.now()));

  @Test
  void aMasterSilentForThreeIntervalsIsPresumedGone() {
    watch.start(INTERVAL);

    loop.advance(INTERVAL.multipliedBy(3).minus(MS));
    assertThat(silences).isEmpty();
    loop.advance(MS);

    assertThat(silences).containsExactly("PT45S at " + loop.now());
  }

  @Test
  void heartbeatsKeepTheMasterAlive() {
    watch.start(INTERVAL);

    for (int i = 0; i < 100; i++) {
      loop.advance(INTERVAL);
      watch.heard();
    }

    assertThat(silences).isEmpty();
  }

  @Test
  void theSilenceCountsFromTheLastWordHeard() {
    watch.start(INTERVAL);
    loop.advance(Duration.ofSeconds(40));
    watch.heard(); // just before the third look

    loop.advance(Duration.ofSeconds(50).minus(MS)); // looks at 45 (heard), 60, 75: two silent intervals
    assertThat(silences).isEmpty();
    loop.advance(MS); // the look at 90: three

    assertThat(silences).hasSize(1);
  }

  @Test
  void aStoppedWatchSaysNothingAndStartingAgainStartsAfresh() {
    watch.start(INTERVAL);
    loop.advance(Duration.ofSeconds(40));
    watch.stop();
    loop.advance(Duration.ofMinutes(10));
    assertThat(silences).isEmpty();
    assertThat(loop.scheduledCount()).isZero();

    watch.start(Duration.ofSeconds(5));
    watch.start(Duration.ofSeconds(5)); // a second subscription: still one watch
    loop.advance(Duration.ofSeconds(15));
    assertThat(silences).hasSize(1);
    assertThat(loop.scheduledCount()).isOne();
  }
}
