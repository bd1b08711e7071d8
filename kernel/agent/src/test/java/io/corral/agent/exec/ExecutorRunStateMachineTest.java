package io.corral.agent.exec;

import static io.corral.agent.exec.ExecutorRunStateMachine.State.FETCHING;
import static io.corral.agent.exec.ExecutorRunStateMachine.State.RECOVERING;
import static io.corral.agent.exec.ExecutorRunStateMachine.State.REGISTERING;
import static io.corral.agent.exec.ExecutorRunStateMachine.State.RUNNING;
import static io.corral.agent.exec.ExecutorRunStateMachine.State.STARTING;
import static io.corral.agent.exec.ExecutorRunStateMachine.State.TERMINATED;
import static io.corral.agent.exec.ExecutorRunStateMachine.State.TERMINATING;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.agent.exec.ExecutorRunStateMachine.Abandon;
import io.corral.agent.exec.ExecutorRunStateMachine.Abandoned;
import io.corral.agent.exec.ExecutorRunStateMachine.CancelTimers;
import io.corral.agent.exec.ExecutorRunStateMachine.CheckIdle;
import io.corral.agent.exec.ExecutorRunStateMachine.Checkpoint;
import io.corral.agent.exec.ExecutorRunStateMachine.DeliverQueued;
import io.corral.agent.exec.ExecutorRunStateMachine.Disconnected;
import io.corral.agent.exec.ExecutorRunStateMachine.Effect;
import io.corral.agent.exec.ExecutorRunStateMachine.End;
import io.corral.agent.exec.ExecutorRunStateMachine.Event;
import io.corral.agent.exec.ExecutorRunStateMachine.Exited;
import io.corral.agent.exec.ExecutorRunStateMachine.FetchFailed;
import io.corral.agent.exec.ExecutorRunStateMachine.Fetched;
import io.corral.agent.exec.ExecutorRunStateMachine.FoundDead;
import io.corral.agent.exec.ExecutorRunStateMachine.Greet;
import io.corral.agent.exec.ExecutorRunStateMachine.KillProcess;
import io.corral.agent.exec.ExecutorRunStateMachine.ProcessStarted;
import io.corral.agent.exec.ExecutorRunStateMachine.RecordStop;
import io.corral.agent.exec.ExecutorRunStateMachine.RecoveryProgress;
import io.corral.agent.exec.ExecutorRunStateMachine.RecoveryTimedOut;
import io.corral.agent.exec.ExecutorRunStateMachine.Recovered;
import io.corral.agent.exec.ExecutorRunStateMachine.RegistrationTimedOut;
import io.corral.agent.exec.ExecutorRunStateMachine.ReplayUpdates;
import io.corral.agent.exec.ExecutorRunStateMachine.RequeueUnlisted;
import io.corral.agent.exec.ExecutorRunStateMachine.ResendKills;
import io.corral.agent.exec.ExecutorRunStateMachine.SendShutdown;
import io.corral.agent.exec.ExecutorRunStateMachine.StartFailed;
import io.corral.agent.exec.ExecutorRunStateMachine.StartProcess;
import io.corral.agent.exec.ExecutorRunStateMachine.StartRecoveryTimer;
import io.corral.agent.exec.ExecutorRunStateMachine.StartRegistrationTimer;
import io.corral.agent.exec.ExecutorRunStateMachine.State;
import io.corral.agent.exec.ExecutorRunStateMachine.Stop;
import io.corral.agent.exec.ExecutorRunStateMachine.StopProcess;
import io.corral.agent.exec.ExecutorRunStateMachine.Subscribed;
import io.corral.agent.exec.ExecutorRunStateMachine.Transition;
import io.corral.agent.exec.ExecutorRunStateMachine.WatchExit;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The executor run's table, every state against every event: written out here a second time, by hand. */
class ExecutorRunStateMachineTest {
  private static final Duration GRACE = Duration.ofSeconds(3);
  private static final Set<String> LISTED = Set.of("t1");
  private static final List<TaskStatus> KEPT =
      List.of(TaskStatus.newBuilder().setTaskId("t1").setState(TaskState.TASK_FINISHED).build());

  /** One event of each kind. */
  private static final List<Event> EVENTS = List.of(new Fetched(), new FetchFailed("no such file"),
      new ProcessStarted(), new StartFailed("no such user"), new Recovered(), new FoundDead("process 7 exited"),
      new Subscribed(LISTED, KEPT), new Disconnected(), new RegistrationTimedOut("did not register"),
      new RecoveryTimedOut("did not reconnect"), new Stop(TaskStatusReason.REASON_EXECUTOR_TERMINATED, "idle", GRACE),
      new Exited(), new Abandoned());

  private record Row(State from, Class<? extends Event> event, State to, List<Effect> effects) {}

  private static Row row(State from, Class<? extends Event> event, State to, Effect... effects) {
    return new Row(from, event, to, Arrays.asList(effects));
  }

  private static final RecordStop STOPPED = new RecordStop(TaskStatusReason.REASON_EXECUTOR_TERMINATED, "idle");

  /** Every accepted (state, event); anything else is refused. */
  private static final List<Row> TABLE = List.of(
      row(FETCHING, Fetched.class, STARTING, new StartProcess()),
      row(TERMINATING, Fetched.class, TERMINATED, new End(null)),
      row(FETCHING, FetchFailed.class, TERMINATED,
          new RecordStop(TaskStatusReason.REASON_FETCH_FAILED, "fetch failed: no such file"), new End(null)),
      row(TERMINATING, FetchFailed.class, TERMINATED, new End(null)),
      row(STARTING, ProcessStarted.class, REGISTERING, new Checkpoint(), new WatchExit(),
          new StartRegistrationTimer()),
      row(RUNNING, ProcessStarted.class, RUNNING, new Checkpoint(), new WatchExit()),
      row(TERMINATING, ProcessStarted.class, TERMINATING, new Checkpoint(), new WatchExit(), new KillProcess()),
      row(TERMINATED, ProcessStarted.class, TERMINATED, new KillProcess()),
      row(STARTING, StartFailed.class, TERMINATED,
          new RecordStop(TaskStatusReason.REASON_LAUNCH_FAILED, "could not start the executor: no such user"),
          new End("could not start: no such user")),
      row(TERMINATING, StartFailed.class, TERMINATED,
          new RecordStop(TaskStatusReason.REASON_LAUNCH_FAILED, "could not start the executor: no such user"),
          new End("could not start: no such user")),
      row(RECOVERING, Recovered.class, RECOVERING, new WatchExit(), new StartRecoveryTimer()),
      row(RECOVERING, FoundDead.class, TERMINATED,
          new RecordStop(TaskStatusReason.REASON_EXECUTOR_TERMINATED, "process 7 exited"), new End(null)),
      row(STARTING, Subscribed.class, RUNNING, new CancelTimers(), new Greet(), new ReplayUpdates(KEPT),
          new DeliverQueued(), new ResendKills(), new CheckIdle()),
      row(REGISTERING, Subscribed.class, RUNNING, new CancelTimers(), new Greet(), new ReplayUpdates(KEPT),
          new DeliverQueued(), new ResendKills(), new CheckIdle()),
      row(RECOVERING, Subscribed.class, RUNNING, new CancelTimers(), new RequeueUnlisted(LISTED),
          new RecoveryProgress(), new Greet(), new ReplayUpdates(KEPT), new DeliverQueued(), new ResendKills(),
          new CheckIdle()),
      row(RUNNING, Subscribed.class, RUNNING, new Greet(), new ReplayUpdates(KEPT), new DeliverQueued(),
          new ResendKills(), new CheckIdle()),
      row(TERMINATING, Subscribed.class, TERMINATING, new Greet(), new ReplayUpdates(KEPT), new ResendKills(),
          new SendShutdown()),
      row(RUNNING, Disconnected.class, RUNNING),
      row(REGISTERING, RegistrationTimedOut.class, TERMINATING,
          new RecordStop(TaskStatusReason.REASON_EXECUTOR_REGISTRATION_TIMEOUT, "did not register"),
          new CancelTimers(), new StopProcess(Duration.ZERO)),
      row(RECOVERING, RecoveryTimedOut.class, TERMINATING,
          new RecordStop(TaskStatusReason.REASON_AGENT_RECOVERY_FAILED, "did not reconnect"), new CancelTimers(),
          new StopProcess(Duration.ZERO), new RecoveryProgress()),
      row(FETCHING, Stop.class, TERMINATING, STOPPED, new CancelTimers()),
      row(STARTING, Stop.class, TERMINATING, STOPPED, new CancelTimers()),
      row(REGISTERING, Stop.class, TERMINATING, STOPPED, new CancelTimers(), new StopProcess(GRACE)),
      row(RECOVERING, Stop.class, TERMINATING, STOPPED, new CancelTimers(), new StopProcess(GRACE)),
      row(RUNNING, Stop.class, TERMINATING, STOPPED, new CancelTimers(), new StopProcess(GRACE)),
      row(REGISTERING, Exited.class, TERMINATED, new End(null)),
      row(RECOVERING, Exited.class, TERMINATED, new End(null)),
      row(RUNNING, Exited.class, TERMINATED, new End(null)),
      row(TERMINATING, Exited.class, TERMINATED, new End(null)),
      row(FETCHING, Abandoned.class, TERMINATED, new Abandon()),
      row(STARTING, Abandoned.class, TERMINATED, new Abandon()),
      row(REGISTERING, Abandoned.class, TERMINATED, new Abandon()),
      row(RECOVERING, Abandoned.class, TERMINATED, new Abandon()),
      row(RUNNING, Abandoned.class, TERMINATED, new Abandon()),
      row(TERMINATING, Abandoned.class, TERMINATED, new Abandon()));

  @Test
  void everyStateAgainstEveryEvent() {
    Set<Row> used = new HashSet<>();
    List<String> checked = new ArrayList<>();
    for (State from : State.values()) {
      for (Event event : EVENTS) {
        Row expected = TABLE.stream().filter(r -> r.from() == from && r.event() == event.getClass()).findFirst()
            .orElse(null);
        Transition t = ExecutorRunStateMachine.apply(from, event);
        String what = from + " + " + event.getClass().getSimpleName();
        if (expected == null) {
          assertThat(t).as(what + " is refused").isEqualTo(new Transition(false, from, List.of()));
        } else {
          used.add(expected);
          assertThat(t).as(what).isEqualTo(new Transition(true, expected.to(), expected.effects()));
        }
        checked.add(what);
      }
    }
    assertThat(checked).hasSize(State.values().length * EVENTS.size());
    assertThat(used).as("every row of the table is reached").containsExactlyInAnyOrderElementsOf(TABLE);
  }

  @Test
  void theEventsTriedAreEveryKindThereIs() {
    assertThat(EVENTS.stream().map(Object::getClass).toList())
        .containsExactlyInAnyOrder(Event.class.getPermittedSubclasses());
  }

  @Test
  void aTerminatedRunNeverChangesAgain() {
    for (Event event : EVENTS) {
      assertThat(ExecutorRunStateMachine.apply(TERMINATED, event).state()).isEqualTo(TERMINATED);
    }
  }

  @Test
  void theApiShowsTheStepsOfALaunchAsOne() {
    assertThat(Arrays.stream(State.values()).map(State::shown).toList()).containsExactly("LAUNCHING", "LAUNCHING",
        "LAUNCHING", "RECOVERING", "RUNNING", "TERMINATING", "TERMINATED");
  }

  @Test
  void whatEachStateAllows() {
    for (State s : State.values()) {
      assertThat(ExecutorRunStateMachine.takesTasks(s)).as("takes tasks: " + s)
          .isEqualTo(s != TERMINATING && s != TERMINATED);
      assertThat(ExecutorRunStateMachine.deliversTasks(s)).as("delivers: " + s).isEqualTo(s == RUNNING);
      assertThat(ExecutorRunStateMachine.watched(s)).as("watched: " + s)
          .isEqualTo(s == REGISTERING || s == RECOVERING || s == RUNNING);
    }
  }
}
