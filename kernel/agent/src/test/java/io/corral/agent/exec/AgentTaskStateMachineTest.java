package io.corral.agent.exec;

import static io.corral.agent.exec.AgentTaskStateMachine.Stage.ENDED;
import static io.corral.agent.exec.AgentTaskStateMachine.Stage.FETCHING;
import static io.corral.agent.exec.AgentTaskStateMachine.Stage.KILLING;
import static io.corral.agent.exec.AgentTaskStateMachine.Stage.LAUNCHED;
import static io.corral.agent.exec.AgentTaskStateMachine.Stage.LIMITED;
import static io.corral.agent.exec.AgentTaskStateMachine.Stage.QUEUED;
import static io.corral.agent.exec.AgentTaskStateMachine.Stage.RECOVERED;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.agent.exec.AgentTaskStateMachine.Deliver;
import io.corral.agent.exec.AgentTaskStateMachine.Delivered;
import io.corral.agent.exec.AgentTaskStateMachine.Effect;
import io.corral.agent.exec.AgentTaskStateMachine.Ended;
import io.corral.agent.exec.AgentTaskStateMachine.Event;
import io.corral.agent.exec.AgentTaskStateMachine.FetchFailed;
import io.corral.agent.exec.AgentTaskStateMachine.Fetched;
import io.corral.agent.exec.AgentTaskStateMachine.Forget;
import io.corral.agent.exec.AgentTaskStateMachine.Forward;
import io.corral.agent.exec.AgentTaskStateMachine.Kill;
import io.corral.agent.exec.AgentTaskStateMachine.KillCgroups;
import io.corral.agent.exec.AgentTaskStateMachine.LimitBroken;
import io.corral.agent.exec.AgentTaskStateMachine.RecordLimit;
import io.corral.agent.exec.AgentTaskStateMachine.Release;
import io.corral.agent.exec.AgentTaskStateMachine.Report;
import io.corral.agent.exec.AgentTaskStateMachine.Reported;
import io.corral.agent.exec.AgentTaskStateMachine.Resubscribed;
import io.corral.agent.exec.AgentTaskStateMachine.SendKill;
import io.corral.agent.exec.AgentTaskStateMachine.Stage;
import io.corral.agent.exec.AgentTaskStateMachine.StopWithRun;
import io.corral.agent.exec.AgentTaskStateMachine.TerminalAcknowledged;
import io.corral.agent.exec.AgentTaskStateMachine.Transition;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The agent-side task's table, every stage against every event: written out here a second time, by hand. */
class AgentTaskStateMachineTest {
  private static final KillPolicy POLICY = KillPolicy.newBuilder().setGracePeriodSeconds(5).build();
  private static final KillPolicy AT_ONCE = KillPolicy.newBuilder().setGracePeriodSeconds(0).build();
  private static final TaskStatus RUNNING_UPDATE =
      TaskStatus.newBuilder().setTaskId("t1").setState(TaskState.TASK_RUNNING).build();
  private static final TaskStatus FINISHED_UPDATE =
      TaskStatus.newBuilder().setTaskId("t1").setState(TaskState.TASK_FINISHED).build();
  private static final Limitation MEMORY = Limitation.memory("task t1", 64L << 20, 70L << 20);
  private static final String GONE = "executor exited with status 1";

  /** One event of each kind, both kinds of update. */
  private static final Map<String, Event> EVENTS = new LinkedHashMap<>();

  static {
    EVENTS.put("fetched", new Fetched());
    EVENTS.put("fetch failed", new FetchFailed("http://x/a.tgz: 404"));
    EVENTS.put("delivered", new Delivered());
    EVENTS.put("listed", new Resubscribed(true));
    EVENTS.put("not listed", new Resubscribed(false));
    EVENTS.put("kill", new Kill(POLICY));
    EVENTS.put("stop with run", new StopWithRun());
    EVENTS.put("running", new Reported(RUNNING_UPDATE));
    EVENTS.put("finished", new Reported(FINISHED_UPDATE));
    EVENTS.put("ended", new Ended(TaskStatusReason.REASON_EXECUTOR_TERMINATED, GONE));
    EVENTS.put("limit", new LimitBroken(MEMORY));
    EVENTS.put("terminal ack", new TerminalAcknowledged());
  }

  private record Row(Stage from, String event, Stage to, List<Effect> effects) {}

  private static Row row(Stage from, String event, Stage to, Effect... effects) {
    if (!EVENTS.containsKey(event)) {
      throw new IllegalArgumentException(event);
    }
    return new Row(from, event, to, Arrays.asList(effects));
  }

  private static final Report FAILED_GONE = new Report(TaskState.TASK_FAILED,
      TaskStatusReason.REASON_EXECUTOR_TERMINATED, GONE);

  private static final List<Row> TABLE = new ArrayList<>(List.of(
      row(FETCHING, "fetched", QUEUED, new Deliver()),
      row(FETCHING, "fetch failed", ENDED, new Report(TaskState.TASK_FAILED, TaskStatusReason.REASON_FETCH_FAILED,
          "fetch failed: http://x/a.tgz: 404"), new Release()),
      row(QUEUED, "delivered", LAUNCHED),
      row(RECOVERED, "listed", LAUNCHED),
      row(RECOVERED, "not listed", QUEUED),
      row(FETCHING, "kill", ENDED, new Report(TaskState.TASK_KILLED,
          TaskStatusReason.REASON_TASK_KILLED_DURING_LAUNCH, "killed while its files were fetched"), new Release()),
      row(QUEUED, "kill", ENDED, new Report(TaskState.TASK_KILLED,
          TaskStatusReason.REASON_TASK_KILLED_DURING_LAUNCH, "killed before its executor started"), new Release()),
      row(RECOVERED, "kill", KILLING, new SendKill(POLICY)),
      row(LAUNCHED, "kill", KILLING, new SendKill(POLICY)),
      row(KILLING, "kill", KILLING, new SendKill(POLICY)),
      row(LIMITED, "kill", LIMITED, new SendKill(POLICY)),
      row(FETCHING, "stop with run", KILLING),
      row(QUEUED, "stop with run", KILLING),
      row(RECOVERED, "stop with run", KILLING),
      row(LAUNCHED, "stop with run", KILLING),
      row(QUEUED, "limit", ENDED, new RecordLimit(MEMORY),
          new Report(TaskState.TASK_FAILED, TaskStatusReason.REASON_MEMORY_LIMIT, ""), new Release()),
      row(RECOVERED, "limit", LIMITED, new RecordLimit(MEMORY), new KillCgroups(), new SendKill(AT_ONCE)),
      row(LAUNCHED, "limit", LIMITED, new RecordLimit(MEMORY), new KillCgroups(), new SendKill(AT_ONCE)),
      row(KILLING, "limit", LIMITED, new RecordLimit(MEMORY), new KillCgroups(), new SendKill(AT_ONCE)),
      row(ENDED, "terminal ack", ENDED, new Forget())));

  static {
    // Every live stage: the executor's word is passed on; the agent's own end is a kill when one was asked.
    for (Stage s : List.of(FETCHING, QUEUED, RECOVERED, LAUNCHED, KILLING, LIMITED)) {
      Stage afterRunning = s == KILLING || s == LIMITED ? s : LAUNCHED;
      TABLE.add(row(s, "running", afterRunning, new Forward(RUNNING_UPDATE)));
      TABLE.add(row(s, "finished", ENDED, new Forward(FINISHED_UPDATE), new Release()));
      TABLE.add(row(s, "ended", ENDED, s == KILLING
          ? new Report(TaskState.TASK_KILLED, TaskStatusReason.REASON_KILLED_BY_SCHEDULER, GONE) : FAILED_GONE,
          new Release()));
    }
  }

  @Test
  void everyStageAgainstEveryEvent() {
    Set<Row> used = new HashSet<>();
    int checked = 0;
    for (Stage from : Stage.values()) {
      for (Map.Entry<String, Event> e : EVENTS.entrySet()) {
        Row expected = TABLE.stream().filter(r -> r.from() == from && r.event().equals(e.getKey())).findFirst()
            .orElse(null);
        Transition t = AgentTaskStateMachine.apply(from, e.getValue());
        String what = from + " + " + e.getKey();
        if (expected == null) {
          assertThat(t).as(what + " is refused").isEqualTo(new Transition(false, from, List.of()));
        } else {
          used.add(expected);
          assertThat(t).as(what).isEqualTo(new Transition(true, expected.to(), expected.effects()));
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(Stage.values().length * EVENTS.size());
    assertThat(used).as("every row of the table is reached").containsExactlyInAnyOrderElementsOf(TABLE);
  }

  @Test
  void theEventsTriedAreEveryKindThereIs() {
    assertThat(new HashSet<>(EVENTS.values().stream().map(Object::getClass).toList()))
        .containsExactlyInAnyOrder(Event.class.getPermittedSubclasses());
  }

  @Test
  void anEndedTaskNeverChangesAgain() {
    for (Event event : EVENTS.values()) {
      Transition t = AgentTaskStateMachine.apply(ENDED, event);
      assertThat(t.stage()).isEqualTo(ENDED);
      assertThat(t.effects()).as(event.toString()).isSubsetOf(new Forget());
    }
  }

  @Test
  void onlyAnEndedTaskIsNotLive() {
    for (Stage s : Stage.values()) {
      assertThat(AgentTaskStateMachine.isLive(s)).as(s.name()).isEqualTo(s != ENDED);
    }
  }
}
