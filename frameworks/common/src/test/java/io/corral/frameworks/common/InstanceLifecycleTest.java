package io.corral.frameworks.common;

import static io.corral.frameworks.common.InstanceLifecycle.Action.EXIT_LEADERSHIP_LOST;
import static io.corral.frameworks.common.InstanceLifecycle.Action.EXIT_SESSION_LOST;
import static io.corral.frameworks.common.InstanceLifecycle.Action.EXIT_STATE_FAILED;
import static io.corral.frameworks.common.InstanceLifecycle.Action.EXIT_STOPPED;
import static io.corral.frameworks.common.InstanceLifecycle.Action.RECOVER;
import static io.corral.frameworks.common.InstanceLifecycle.Event.ELECTED;
import static io.corral.frameworks.common.InstanceLifecycle.Event.LEADERSHIP_LOST;
import static io.corral.frameworks.common.InstanceLifecycle.Event.RECOVERED;
import static io.corral.frameworks.common.InstanceLifecycle.Event.SESSION_LOST;
import static io.corral.frameworks.common.InstanceLifecycle.Event.STATE_FAILED;
import static io.corral.frameworks.common.InstanceLifecycle.Event.STOP;
import static io.corral.frameworks.common.InstanceLifecycle.Event.ZK_RECONNECTED;
import static io.corral.frameworks.common.InstanceLifecycle.Event.ZK_SUSPENDED;
import static io.corral.frameworks.common.InstancePhase.EXITING;
import static io.corral.frameworks.common.InstancePhase.LEADING;
import static io.corral.frameworks.common.InstancePhase.RECOVERING;
import static io.corral.frameworks.common.InstancePhase.STANDBY;
import static io.corral.frameworks.common.InstancePhase.SUSPENDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The instance's life, table-driven. */
class InstanceLifecycleTest {
  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(STANDBY, false, ELECTED, RECOVERING, RECOVER),
        Arguments.of(STANDBY, false, LEADERSHIP_LOST, STANDBY, null),
        Arguments.of(STANDBY, false, SESSION_LOST, EXITING, EXIT_SESSION_LOST),
        Arguments.of(STANDBY, false, ZK_SUSPENDED, STANDBY, null),
        Arguments.of(STANDBY, false, RECOVERED, STANDBY, null),
        Arguments.of(RECOVERING, false, RECOVERED, LEADING, null),
        Arguments.of(RECOVERING, false, STATE_FAILED, EXITING, EXIT_STATE_FAILED),
        Arguments.of(RECOVERING, false, ZK_SUSPENDED, SUSPENDED, null),
        Arguments.of(RECOVERING, false, ELECTED, RECOVERING, null),
        Arguments.of(LEADING, true, ZK_SUSPENDED, SUSPENDED, null),
        Arguments.of(LEADING, true, LEADERSHIP_LOST, EXITING, EXIT_LEADERSHIP_LOST),
        Arguments.of(LEADING, true, SESSION_LOST, EXITING, EXIT_SESSION_LOST),
        Arguments.of(LEADING, true, STOP, EXITING, EXIT_STOPPED),
        Arguments.of(SUSPENDED, true, ZK_RECONNECTED, LEADING, null),
        Arguments.of(SUSPENDED, false, ZK_RECONNECTED, RECOVERING, null),
        Arguments.of(SUSPENDED, true, SESSION_LOST, EXITING, EXIT_SESSION_LOST),
        Arguments.of(EXITING, true, ELECTED, EXITING, null),
        Arguments.of(EXITING, true, STOP, EXITING, null));
  }

  @ParameterizedTest(name = "{0} (recovered: {1}) --{2}--> {3} {4}")
  @MethodSource("table")
  void transitions(InstancePhase from, boolean recovered, InstanceLifecycle.Event event, InstancePhase to,
      InstanceLifecycle.Action action) {
    InstanceLifecycle.Transition t = InstanceLifecycle.next(from, recovered, event);
    assertThat(t.phase()).isEqualTo(to);
    assertThat(t.action()).isEqualTo(Optional.ofNullable(action));
  }

  @Test
  void anInstanceServesOnceRecoveredAlsoWhenRecoveryEndedWhileSuspended() {
    InstanceLifecycle life = new InstanceLifecycle();
    life.apply(ELECTED);
    assertThat(life.serving()).isFalse();
    life.apply(ZK_SUSPENDED);
    life.apply(RECOVERED);
    assertThat(life.phase()).isEqualTo(SUSPENDED);
    assertThat(life.serving()).isTrue();
    life.apply(ZK_RECONNECTED);
    assertThat(life.phase()).isEqualTo(LEADING);
    assertThat(life.apply(LEADERSHIP_LOST).action()).contains(EXIT_LEADERSHIP_LOST);
    assertThat(life.serving()).isFalse();
    assertThat(EXIT_LEADERSHIP_LOST.exitCode()).contains(ExitCodes.LEADERSHIP_LOST);
    assertThat(RECOVER.exitCode()).isEmpty();
  }
}
