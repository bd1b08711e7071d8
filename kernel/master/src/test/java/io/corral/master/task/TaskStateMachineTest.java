package io.corral.master.task;

import static io.corral.protocol.TaskState.TASK_KILLING;
import static io.corral.protocol.TaskState.TASK_RUNNING;
import static io.corral.protocol.TaskState.TASK_STAGING;
import static io.corral.protocol.TaskState.TASK_STARTING;
import static io.corral.protocol.TaskState.TASK_UNREACHABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.task.TaskStates;
import io.corral.master.task.TaskStateMachine.SideEffect;
import io.corral.master.task.TaskStateMachine.Transition;
import io.corral.protocol.TaskState;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskStateMachineTest {
  private static final Set<TaskState> LIVE =
      EnumSet.of(TASK_STAGING, TASK_STARTING, TASK_RUNNING, TASK_KILLING, TASK_UNREACHABLE);
  private static final List<SideEffect> ON_TERMINAL =
      List.of(SideEffect.RELEASE_RESOURCES, SideEffect.ARCHIVE);

  /** Every move between two different live states that the table allows. */
  private static final Set<List<TaskState>> LEGAL_LIVE_MOVES = Set.of(
      List.of(TASK_STAGING, TASK_STARTING),
      List.of(TASK_STAGING, TASK_RUNNING),
      List.of(TASK_STAGING, TASK_KILLING),
      List.of(TASK_STARTING, TASK_RUNNING),
      List.of(TASK_STARTING, TASK_KILLING),
      List.of(TASK_RUNNING, TASK_KILLING),
      List.of(TASK_STAGING, TASK_UNREACHABLE),
      List.of(TASK_STARTING, TASK_UNREACHABLE),
      List.of(TASK_RUNNING, TASK_UNREACHABLE),
      List.of(TASK_KILLING, TASK_UNREACHABLE),
      List.of(TASK_UNREACHABLE, TASK_STAGING),
      List.of(TASK_UNREACHABLE, TASK_STARTING),
      List.of(TASK_UNREACHABLE, TASK_RUNNING),
      List.of(TASK_UNREACHABLE, TASK_KILLING));

  private static Stream<TaskState> terminal() {
    return real().filter(TaskStates::isTerminal);
  }

  /** Every state a task can be reported in (not the proto's UNRECOGNIZED placeholder). */
  private static Stream<TaskState> real() {
    return Arrays.stream(TaskState.values()).filter(s -> s != TaskState.UNRECOGNIZED);
  }

  private static Stream<Arguments> liveToTerminal() {
    return LIVE.stream().flatMap(from -> terminal().map(to -> Arguments.of(from, to)));
  }

  private static Stream<Arguments> liveToLive() {
    return LIVE.stream().flatMap(from -> LIVE.stream().filter(to -> to != from)
        .map(to -> Arguments.of(from, to)));
  }

  private static Stream<Arguments> terminalToAnything() {
    return terminal().flatMap(from -> Arrays.stream(TaskState.values()).map(to -> Arguments.of(from, to)));
  }

  @Test
  void theTerminalStatesAreTheEightFinalOnes() {
    assertThat(terminal()).containsExactlyInAnyOrder(
        TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_ERROR,
        TaskState.TASK_LOST, TaskState.TASK_DROPPED, TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("liveToTerminal")
  void enteringATerminalStateReleasesResourcesAndArchives(TaskState from, TaskState to) {
    Transition t = TaskStateMachine.apply(from, to);
    assertThat(t.accepted()).isTrue();
    assertThat(t.state()).isEqualTo(to);
    assertThat(t.effects()).containsExactlyElementsOf(ON_TERMINAL);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("liveToLive")
  void liveStatesMoveOnlyAsTheTableSays(TaskState from, TaskState to) {
    Transition t = TaskStateMachine.apply(from, to);
    boolean legal = LEGAL_LIVE_MOVES.contains(List.of(from, to));
    assertThat(t.accepted()).as("%s -> %s accepted", from, to).isEqualTo(legal);
    assertThat(t.state()).isEqualTo(legal ? to : from);
    assertThat(t.effects()).as("a live state has no side effects").isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("terminalToAnything")
  void aTerminalStateNeverChanges(TaskState from, TaskState to) {
    Transition t = TaskStateMachine.apply(from, to);
    assertThat(t.accepted()).isFalse();
    assertThat(t.state()).isEqualTo(from);
    assertThat(t.effects()).isEmpty();
  }

  @Test
  void everyLiveStateCanBecomeUnreachableAndComeBack() {
    for (TaskState live : LIVE) {
      if (live == TASK_UNREACHABLE) {
        continue;
      }
      Transition away = TaskStateMachine.apply(live, TASK_UNREACHABLE);
      assertThat(away.accepted()).as("%s -> UNREACHABLE", live).isTrue();
      assertThat(away.state()).isEqualTo(TASK_UNREACHABLE);
      Transition back = TaskStateMachine.apply(TASK_UNREACHABLE, live);
      assertThat(back.accepted()).as("UNREACHABLE -> %s", live).isTrue();
      assertThat(back.state()).isEqualTo(live);
      assertThat(away.effects()).isEmpty();
      assertThat(back.effects()).isEmpty();
    }
  }

  @Test
  void backwardMovesAreIgnored() {
    assertThat(TaskStateMachine.apply(TASK_RUNNING, TASK_STARTING))
        .isEqualTo(new Transition(false, TASK_RUNNING, List.of()));
    assertThat(TaskStateMachine.apply(TASK_RUNNING, TASK_STAGING))
        .isEqualTo(new Transition(false, TASK_RUNNING, List.of()));
    assertThat(TaskStateMachine.apply(TASK_KILLING, TASK_RUNNING))
        .isEqualTo(new Transition(false, TASK_KILLING, List.of()));
    assertThat(TaskStateMachine.apply(TASK_STARTING, TASK_STAGING))
        .isEqualTo(new Transition(false, TASK_STARTING, List.of()));
  }

  @Test
  void repeatsAreAcceptedWithoutSideEffects() {
    for (TaskState live : LIVE) {
      assertThat(TaskStateMachine.apply(live, live))
          .as("%s repeated", live)
          .isEqualTo(new Transition(true, live, List.of()));
    }
  }

  @Test
  void aRepeatedTerminalUpdateDoesNotReleaseTwice() {
    terminal().forEach(s -> assertThat(TaskStateMachine.apply(s, s).effects()).isEmpty());
  }

  @Test
  void statesThatSayNothingAreIgnored() {
    for (TaskState live : LIVE) {
      for (TaskState nothing :
          List.of(TaskState.TASK_STATE_UNSPECIFIED, TaskState.TASK_UNKNOWN, TaskState.UNRECOGNIZED)) {
        assertThat(TaskStateMachine.apply(live, nothing))
            .as("%s -> %s", live, nothing)
            .isEqualTo(new Transition(false, live, List.of()));
      }
    }
  }

  @Test
  void aFullLifeEndsInExactlyOneRelease() {
    TaskState state = TASK_STAGING;
    int releases = 0;
    for (TaskState next : List.of(TASK_STARTING, TASK_RUNNING, TASK_UNREACHABLE, TASK_RUNNING,
        TASK_RUNNING, TASK_KILLING, TaskState.TASK_KILLED, TaskState.TASK_FAILED, TaskState.TASK_KILLED)) {
      Transition t = TaskStateMachine.apply(state, next);
      state = t.state();
      if (t.effects().contains(SideEffect.RELEASE_RESOURCES)) {
        releases++;
      }
    }
    assertThat(state).isEqualTo(TaskState.TASK_KILLED);
    assertThat(releases).isEqualTo(1);
  }
}
