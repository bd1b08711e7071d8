package io.corral.bridges.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.bridges.common.Fleet.Member;
import io.corral.bridges.common.Fleet.Phase;
import io.corral.common.loop.ManualEventLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet's phases and its idle release, timed on a manual loop: no real time passes. */
class FleetTest {
  private static final Duration IDLE = Duration.ofSeconds(20);

  private final ManualEventLoop loop = new ManualEventLoop();
  /** Each release (and resend) the fleet asked for: key @ seconds since the start. */
  private final List<String> released = new ArrayList<>();
  private final Instant start = loop.now();

  private Fleet<String> fleet(IdleRelease policy) {
    return new Fleet<>(loop, policy, m -> released.add(m.key() + " @" + Duration.between(start, loop.now()).toSeconds()));
  }

  @Test
  void anExecutorStartsRunsIsReleasedAndGoes() {
    Fleet<String> fleet = fleet(IdleRelease.never());
    fleet.starting("t1", "a1", "one");
    fleet.starting("t2", "a1", "two");
    fleet.starting("t3", "a2", "three");
    assertThat(fleet.get("t1").phase()).isEqualTo(Phase.STARTING);
    assertThat(fleet.running("t1")).isTrue();
    assertThat(fleet.running("t1")).as("once").isFalse();
    assertThat(fleet.running("nope")).isFalse();
    assertThat(fleet.count(m -> m.phase() == Phase.RUNNING)).isEqualTo(1);
    assertThat(fleet.onAgent("a1", Member::live)).isEqualTo(2);
    assertThat(fleet.agents(m -> m.phase() == Phase.STARTING)).containsExactlyInAnyOrder("a1", "a2");

    Member<String> r = fleet.release("t2");
    assertThat(r.phase()).isEqualTo(Phase.RELEASING);
    assertThat(r.executor()).isEqualTo("two");
    assertThat(released).containsExactly("t2 @0");
    assertThat(fleet.release("t2")).as("released already").isNull();
    assertThat(fleet.release("nope")).isNull();
    assertThat(fleet.running("t2")).as("a released executor stays released").isFalse();
    assertThat(fleet.onAgent("a1", Member::live)).isEqualTo(1);

    assertThat(fleet.remove("t2").phase()).as("how it ended").isEqualTo(Phase.RELEASING);
    assertThat(fleet.remove("t2")).isNull();
    assertThat(fleet.members()).extracting(Member::key).containsExactly("t1", "t3");
  }

  @Test
  void anExecutorFoundRunningIsAdoptedAndWhatIsKnownOfItCanChange() {
    Fleet<Integer> fleet = new Fleet<>(loop, IdleRelease.never(), m -> {});
    assertThat(fleet.adopt("s1", "a1", 0).phase()).isEqualTo(Phase.RUNNING);
    assertThat(fleet.update("s1", n -> n + 4).executor()).isEqualTo(4);
    assertThat(fleet.update("nope", n -> n + 4)).isNull();
  }

  @Test
  void anIdleExecutorIsReleasedWhenTheTimeoutIsOverAndOnlyOnce() {
    Fleet<String> fleet = fleet(IdleRelease.after(IDLE));
    fleet.starting("t1", "a1", "x");
    fleet.running("t1");
    loop.advance(Duration.ofSeconds(5));
    fleet.idle("t1");
    fleet.idle("t1"); // said again: the idle time keeps running
    loop.advance(IDLE.minusMillis(1));
    assertThat(released).isEmpty();
    loop.advance(Duration.ofMillis(1));
    assertThat(released).containsExactly("t1 @25");
    assertThat(fleet.get("t1").phase()).isEqualTo(Phase.RELEASING);
    fleet.idle("t1");
    loop.advance(IDLE.multipliedBy(3));
    assertThat(released).as("no resend asked for").containsExactly("t1 @25");
    assertThat(loop.scheduledCount()).isZero();
  }

  @Test
  void workRestartsTheIdleTime() {
    Fleet<String> fleet = fleet(IdleRelease.after(IDLE));
    fleet.adopt("t1", "a1", "x");
    fleet.idle("t1");
    loop.advance(IDLE.minusSeconds(1));
    fleet.busy("t1");
    loop.advance(Duration.ofSeconds(10));
    assertThat(released).isEmpty();
    fleet.idle("t1");
    loop.advance(IDLE.minusMillis(1));
    assertThat(released).isEmpty();
    loop.advance(Duration.ofMillis(1));
    assertThat(released).containsExactly("t1 @49");
  }

  @Test
  void heldReleasesWaitAndGoOnceNoLongerHeld() {
    Fleet<String> fleet = fleet(IdleRelease.after(IDLE));
    fleet.adopt("t1", "a1", "x");
    fleet.adopt("t2", "a2", "y");
    fleet.idle("t1");
    fleet.idle("t2");
    fleet.hold(true);
    loop.advance(IDLE.multipliedBy(2));
    assertThat(released).isEmpty();
    fleet.busy("t2"); // work while held: its idle time starts again
    fleet.hold(true);
    assertThat(released).isEmpty();
    fleet.hold(false);
    assertThat(released).containsExactly("t1 @40");
    fleet.idle("t2");
    loop.advance(IDLE);
    assertThat(released).containsExactly("t1 @40", "t2 @60");
  }

  @Test
  void aReleaseIsMadeAgainWhileTheExecutorIsThereAndNotOnceItIsGone() {
    Fleet<String> fleet = fleet(IdleRelease.after(Duration.ofSeconds(2)).resentEvery(Duration.ofSeconds(10)));
    fleet.adopt("a1", "a1", "tracker");
    fleet.idle("a1");
    loop.advance(Duration.ofSeconds(2));
    loop.advance(Duration.ofSeconds(25));
    assertThat(released).containsExactly("a1 @2", "a1 @12", "a1 @22");
    fleet.remove("a1");
    loop.advance(Duration.ofMinutes(5));
    assertThat(released).hasSize(3);
    assertThat(loop.scheduledCount()).isZero();

    // A new executor on that agent starts afresh.
    fleet.adopt("a1", "a1", "tracker");
    assertThat(fleet.get("a1").live()).isTrue();
  }

  @Test
  void releasingEverythingReleasesWhatIsLiveOnce() {
    Fleet<String> fleet = fleet(IdleRelease.never().resentEvery(Duration.ofSeconds(10)));
    fleet.starting("a1", "a1", "x");
    fleet.adopt("a2", "a2", "y");
    fleet.release("a2");
    fleet.releaseAll();
    assertThat(released).containsExactly("a2 @0", "a1 @0");
    loop.advance(Duration.ofSeconds(10));
    assertThat(released).containsExactly("a2 @0", "a1 @0", "a2 @10", "a1 @10");
  }

  @Test
  void withoutATimeoutIdlenessReleasesNothing() {
    Fleet<String> fleet = fleet(IdleRelease.never());
    fleet.adopt("t1", "a1", "x");
    fleet.idle("t1");
    loop.advance(Duration.ofDays(1));
    assertThat(released).isEmpty();
    assertThat(loop.scheduledCount()).isZero();
  }

  @Test
  void aRemovedExecutorLeavesNoTimerBehind() {
    Fleet<String> fleet = fleet(IdleRelease.after(IDLE));
    fleet.adopt("t1", "a1", "x");
    fleet.idle("t1");
    fleet.remove("t1");
    loop.advance(IDLE.multipliedBy(2));
    assertThat(released).isEmpty();
    assertThat(loop.scheduledCount()).isZero();
  }

  @Test
  void aZeroTimeoutReleasesAnIdleExecutorAtOnceOnTheLoop() {
    Fleet<String> fleet = fleet(IdleRelease.after(Duration.ZERO));
    fleet.adopt("t1", "a1", "x");
    fleet.idle("t1");
    assertThat(released).isEmpty();
    loop.advance(Duration.ZERO);
    assertThat(released).containsExactly("t1 @0");
  }

  @Test
  void nonsenseTimesAreRefused() {
    assertThatThrownBy(() -> IdleRelease.after(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IdleRelease.never().resentEvery(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
