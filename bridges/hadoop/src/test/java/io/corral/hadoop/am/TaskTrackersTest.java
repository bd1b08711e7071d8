package io.corral.hadoop.am;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.ManualEventLoop;
import io.corral.hadoop.common.CorralMr;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** When the job's TaskTrackers are released, on a manual loop: the timeouts take no real time. */
class TaskTrackersTest {
  private final ManualEventLoop loop = new ManualEventLoop();
  private final Instant start = loop.now();
  /** Each release sent: agent @ milliseconds since the start. */
  private final List<String> released = new ArrayList<>();
  private final TaskTrackers trackers = trackers(2_000);

  private TaskTrackers trackers(long timeoutMillis) {
    return new TaskTrackers(timeoutMillis, loop, agent -> released.add(agent + " @" + since()));
  }

  private long since() {
    return Duration.between(start, loop.now()).toMillis();
  }

  private static void running(TaskTrackers t, String... agents) {
    for (String a : agents) {
      t.launching(a);
      t.up(a);
    }
  }

  /** A tick of the job framework, {@code advanceMillis} after the last. */
  private void tick(long advanceMillis, Set<String> busy, boolean outputNeeded) {
    loop.advance(Duration.ofMillis(advanceMillis));
    trackers.observe(busy, outputNeeded);
  }

  @Test
  void anIdleExecutorIsReleasedOnceTheTimeoutHasPassed() {
    running(trackers, "a1", "a2");
    tick(0, Set.of("a1"), false);
    tick(1_999, Set.of("a1"), false);
    assertThat(released).isEmpty();
    tick(1, Set.of("a1"), false);
    assertThat(released).containsExactly("a2 @2000");
    assertThat(trackers.isReleasing("a2")).isTrue();
    assertThat(trackers.isReleasing("a1")).isFalse();
    // Released once, not again at every tick.
    tick(1_000, Set.of("a1"), false);
    assertThat(released).containsExactly("a2 @2000");
  }

  @Test
  void aNewContainerRestartsTheIdleTime() {
    running(trackers, "a1");
    tick(0, Set.of(), false);
    tick(1_500, Set.of("a1"), false);
    tick(1_500, Set.of(), false);
    tick(1_999, Set.of(), false);
    assertThat(released).isEmpty();
    tick(1, Set.of(), false);
    assertThat(released).containsExactly("a1 @5000");
  }

  @Test
  void mapOutputThatReducersStillNeedKeepsTheExecutor() {
    running(trackers, "a1", "a2");
    trackers.mapRanOn("a1");
    tick(0, Set.of(), true);
    tick(5_000, Set.of(), true);
    assertThat(released).containsExactly("a2 @2000");
    // Every reduce is past its shuffle: a1's map output is not needed any more.
    tick(1_000, Set.of(), false);
    tick(2_000, Set.of(), false);
    assertThat(released).containsExactly("a2 @2000", "a1 @8000");
  }

  @Test
  void aReleaseIsResentWhileTheExecutorIsStillThereAndForgottenOnceItIsGone() {
    running(trackers, "a1");
    tick(0, Set.of(), false);
    tick(2_000, Set.of(), false);
    assertThat(released).containsExactly("a1 @2000");
    tick(TaskTrackers.RESEND.toMillis() - 1, Set.of(), false);
    assertThat(released).hasSize(1);
    tick(1, Set.of(), false);
    assertThat(released).containsExactly("a1 @2000", "a1 @12000");
    // The executor exited: the agent's offers are welcome again, and a new executor there starts afresh.
    trackers.lost("a1");
    tick(100, Set.of(), false);
    assertThat(trackers.isReleasing("a1")).isFalse();
    assertThat(trackers.has("a1")).isFalse();
    running(trackers, "a1");
    trackers.mapRanOn("a1");
    tick(0, Set.of(), true);
    tick(TaskTrackers.RESEND.toMillis() * 2, Set.of(), true);
    assertThat(released).hasSize(2);
  }

  @Test
  void aTimeoutOfZeroKeepsExecutorsToTheEnd() {
    TaskTrackers never = trackers(0);
    running(never, "a1");
    never.observe(Set.of(), false);
    loop.advance(Duration.ofHours(1));
    never.observe(Set.of(), false);
    loop.advance(Duration.ofHours(1));
    assertThat(released).isEmpty();
    assertThat(never.tickMillis()).isEqualTo(1000);
  }

  @Test
  void anExecutorIsStartingUntilAContainerRunsThere() {
    trackers.launching("a1");
    assertThat(trackers.isStarting("a1")).isTrue();
    trackers.up("a1");
    assertThat(trackers.isStarting("a1")).isFalse();
    assertThat(trackers.has("a1")).isTrue();
    // A container reported running on an agent whose executor the job had given up for lost.
    trackers.up("a2");
    assertThat(trackers.agents()).containsExactly("a1", "a2");
  }

  @Test
  void theTimeoutIsADurationSettingInSecondsByDefault() {
    Configuration conf = new Configuration(false);
    assertThat(TaskTrackers.timeoutMillis(conf)).isEqualTo(5_000);
    conf.set(CorralMr.TASKTRACKER_IDLE_TIMEOUT, "2");
    assertThat(TaskTrackers.timeoutMillis(conf)).isEqualTo(2_000);
    conf.set(CorralMr.TASKTRACKER_IDLE_TIMEOUT, "500ms");
    assertThat(TaskTrackers.timeoutMillis(conf)).isEqualTo(500);
    assertThat(trackers.tickMillis()).isEqualTo(1000);
    assertThat(trackers(500).tickMillis()).isEqualTo(250);
  }
}
