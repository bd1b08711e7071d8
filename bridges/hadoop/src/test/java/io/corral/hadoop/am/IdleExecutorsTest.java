package io.corral.hadoop.am;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.hadoop.common.CorralMr;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class IdleExecutorsTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final IdleExecutors idle = new IdleExecutors(2_000, now::get);

  private List<String> tick(long advanceMillis, List<String> executors, Set<String> busy, boolean outputNeeded) {
    now.addAndGet(advanceMillis);
    return idle.expired(executors, busy, outputNeeded);
  }

  @Test
  void anIdleExecutorIsReleasedOnceTheTimeoutHasPassed() {
    List<String> both = List.of("a1", "a2");
    assertThat(tick(0, both, Set.of("a1"), false)).isEmpty();
    assertThat(tick(1_999, both, Set.of("a1"), false)).isEmpty();
    assertThat(tick(1, both, Set.of("a1"), false)).containsExactly("a2");
    assertThat(idle.isReleasing("a2")).isTrue();
    assertThat(idle.isReleasing("a1")).isFalse();
    // Released once, not again at every tick.
    assertThat(tick(1_000, both, Set.of("a1"), false)).isEmpty();
  }

  @Test
  void aNewContainerRestartsTheIdleTime() {
    List<String> one = List.of("a1");
    assertThat(tick(0, one, Set.of(), false)).isEmpty();
    assertThat(tick(1_500, one, Set.of("a1"), false)).isEmpty();
    assertThat(tick(1_500, one, Set.of(), false)).isEmpty();
    assertThat(tick(1_999, one, Set.of(), false)).isEmpty();
    assertThat(tick(1, one, Set.of(), false)).containsExactly("a1");
  }

  @Test
  void mapOutputThatReducersStillNeedKeepsTheExecutor() {
    List<String> both = List.of("a1", "a2");
    idle.mapRanOn("a1");
    assertThat(tick(0, both, Set.of(), true)).containsExactly();
    assertThat(tick(5_000, both, Set.of(), true)).containsExactly("a2");
    // Every reduce is past its shuffle: a1's map output is not needed any more.
    assertThat(tick(1_000, both, Set.of(), false)).isEmpty();
    assertThat(tick(2_000, both, Set.of(), false)).containsExactly("a1");
  }

  @Test
  void aReleaseIsResentWhileTheExecutorIsStillThereAndForgottenOnceItIsGone() {
    List<String> one = List.of("a1");
    tick(0, one, Set.of(), false);
    assertThat(tick(2_000, one, Set.of(), false)).containsExactly("a1");
    assertThat(tick(IdleExecutors.RESEND_MILLIS - 1, one, Set.of(), false)).isEmpty();
    assertThat(tick(1, one, Set.of(), false)).containsExactly("a1");
    // The executor exited: the agent's offers are welcome again, and a new executor there starts afresh.
    assertThat(tick(100, List.of(), Set.of(), false)).isEmpty();
    assertThat(idle.isReleasing("a1")).isFalse();
    idle.mapRanOn("a1");
    assertThat(tick(0, one, Set.of(), true)).isEmpty();
    assertThat(tick(5_000, one, Set.of(), true)).isEmpty();
  }

  @Test
  void aTimeoutOfZeroKeepsExecutorsToTheEnd() {
    IdleExecutors never = new IdleExecutors(0, now::get);
    assertThat(never.expired(List.of("a1"), Set.of(), false)).isEmpty();
    now.addAndGet(3_600_000);
    assertThat(never.expired(List.of("a1"), Set.of(), false)).isEmpty();
  }

  @Test
  void theTimeoutIsADurationSettingInSecondsByDefault() {
    Configuration conf = new Configuration(false);
    assertThat(IdleExecutors.timeoutMillis(conf)).isEqualTo(5_000);
    conf.set(CorralMr.TASKTRACKER_IDLE_TIMEOUT, "2");
    assertThat(IdleExecutors.timeoutMillis(conf)).isEqualTo(2_000);
    conf.set(CorralMr.TASKTRACKER_IDLE_TIMEOUT, "500ms");
    assertThat(IdleExecutors.timeoutMillis(conf)).isEqualTo(500);
  }
}
