package io.corral.agent.exec;

import static io.corral.agent.exec.SupervisorFixture.COMMAND;
import static io.corral.agent.exec.SupervisorFixture.REREGISTRATION;
import static io.corral.agent.exec.SupervisorFixture.commandTask;
import static io.corral.agent.exec.SupervisorFixture.customTask;
import static io.corral.agent.exec.SupervisorFixture.status;
import static io.corral.protocol.ExecutorEvent.TypeCase.ACKNOWLEDGED;
import static io.corral.protocol.ExecutorEvent.TypeCase.LAUNCH;
import static io.corral.protocol.ExecutorEvent.TypeCase.SUBSCRIBED;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.agent.checkpoint.CheckpointedState;
import io.corral.agent.exec.ExecutorRunStateMachine.State;
import io.corral.protocol.Task;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent restarted on its work dir takes back what the earlier one checkpointed: an agent that ran
 * three executors (e1 with a running task, the command executor with one, e3 whose task never reached
 * it) dies; its executors' processes live on, or not, as each test says.
 */
class RunRecoveryTest {
  @TempDir
  Path work;
  private SupervisorFixture before;
  private ExecutorRun e1;
  private ExecutorRun command;
  private ExecutorRun e3;
  private final AtomicInteger recovered = new AtomicInteger();

  @BeforeEach
  void anAgentThatDies() {
    before = new SupervisorFixture(work);
    before.runTasks(customTask("t1", "e1"), commandTask("t2"), customTask("t3", "e3"));
    e1 = before.run("e1");
    command = before.run(COMMAND);
    e3 = before.run("e3");
    ExecutorStream s1 = before.subscribe(e1);
    before.update(s1, e1, "t1", TaskState.TASK_RUNNING);
    before.acknowledge("t1");
    ExecutorStream s2 = before.subscribe(command);
    before.update(s2, command, "t2", TaskState.TASK_RUNNING);
    before.acknowledge("t2");
  }

  /** A new agent on the same work dir, finding the given executors' processes alive. */
  private SupervisorFixture restart(ExecutorRun... alive) {
    SupervisorFixture after = new SupervisorFixture(work);
    for (ExecutorRun run : alive) {
      after.host.live.put(before.host.process(run).pid(), before.host.process(run));
    }
    return after;
  }

  private void recover(SupervisorFixture after, CheckpointedState state) {
    after.supervisor.recover(state, recovered::incrementAndGet);
    after.loop.runPending();
  }

  @Test
  void liveExecutorsReSubscribeTasksThatEndedMeanwhileAreReportedOnceUndeliveredOnesGoAgain() {
    SupervisorFixture after = restart(e1, command, e3);
    recover(after, after.checkpoint());
    ExecutorRun r1 = after.run("e1");
    assertThat(r1.state()).isEqualTo(State.RECOVERING);
    assertThat(r1.containerId()).isEqualTo(e1.containerId());
    assertThat(after.supervisor.tasks(SupervisorFixture.AGENT_ID)).extracting(Task::getTaskId, Task::getState)
        .as("as their frameworks acknowledged them").containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("t1", TaskState.TASK_RUNNING),
            org.assertj.core.groups.Tuple.tuple("t2", TaskState.TASK_RUNNING),
            org.assertj.core.groups.Tuple.tuple("t3", TaskState.TASK_STAGING));
    assertThat(recovered).as("waiting for the executors").hasValue(0);

    TaskStatus finished = status("t1", TaskState.TASK_FINISHED);
    ExecutorStream n1 = after.subscribe(r1, List.of("t1"), List.of(finished), "");
    after.subscribe(after.run(COMMAND), List.of("t2"), List.of(), "");
    ExecutorStream n3 = after.subscribe(after.run("e3"), List.of(), List.of(), "");

    assertThat(n1.kinds()).containsExactly(SUBSCRIBED, ACKNOWLEDGED);
    assertThat(after.states("t1")).containsExactly(TaskState.TASK_FINISHED);
    after.subscribe(r1, List.of(), List.of(finished), ""); // the acknowledgement was lost: it sends it again
    assertThat(after.states("t1")).as("once").containsExactly(TaskState.TASK_FINISHED);
    assertThat(n3.kinds()).containsExactly(SUBSCRIBED, LAUNCH);
    assertThat(n3.of(LAUNCH).get(0).getLaunch().getTasksList()).extracting(TaskInfo::getTaskId)
        .containsExactly("t3");
    assertThat(recovered).as("every executor is back: the agent registers").hasValue(1);
  }

  @Test
  void theTasksOfAnExecutorThatDiedWhileTheAgentWasDownFail() {
    SupervisorFixture after = restart(e1, e3);
    recover(after, after.checkpoint());

    assertThat(after.run(COMMAND)).isNull();
    assertThat(after.last("t2").getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(after.last("t2").getReason()).isEqualTo(TaskStatusReason.REASON_EXECUTOR_TERMINATED);
    assertThat(after.last("t2").getMessage())
        .isEqualTo("executor process " + before.host.process(command).pid() + " exited while the agent was down");
    assertThat(after.host.containersKilled).as("it never had a process of this agent's").isEmpty();
  }

  @Test
  void anExecutorThatDoesNotReconnectInTimeIsKilledAndTheAgentGoesOn() {
    SupervisorFixture after = restart(e1, command, e3);
    recover(after, after.checkpoint());
    after.subscribe(after.run(COMMAND), List.of("t2"), List.of(), "");
    after.subscribe(after.run("e3"), List.of(), List.of(), "");

    after.advance(REREGISTRATION);

    assertThat(after.host.kills).containsExactly(new FakeHost.Kill(before.host.process(e1).pid(), Duration.ZERO));
    assertThat(recovered).hasValue(1);
    before.host.process(e1).exit(137);
    after.loop.runPending();
    assertThat(after.last("t1").getReason()).isEqualTo(TaskStatusReason.REASON_AGENT_RECOVERY_FAILED);
    assertThat(after.last("t1").getMessage())
        .isEqualTo("executor did not reconnect within PT15S after the agent restarted");
  }

  @Test
  void anExecutorThatExitsBeforeReconnectingFailsItsTasks() {
    SupervisorFixture after = restart(e1, command, e3);
    recover(after, after.checkpoint());

    before.host.process(e3).exit(1);
    after.loop.runPending();

    assertThat(after.last("t3").getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(after.last("t3").getMessage()).isEqualTo("executor exited");
    assertThat(after.toMaster).singleElement()
        .satisfies(c -> assertThat(c.getExecutorExited().getExecutorId()).isEqualTo("e3"));
  }

  @Test
  void aTaskWhoseExecutorTheCheckpointLacksFails() {
    SupervisorFixture after = restart(e1, command);
    CheckpointedState full = after.checkpoint();
    CheckpointedState withoutE3 = new CheckpointedState(full.agent(), full.frameworks(),
        full.executors().stream().filter(e -> !e.getExecutorInfo().getExecutorId().equals("e3")).toList(),
        full.tasks());

    recover(after, withoutE3);

    assertThat(after.last("t3").getReason()).isEqualTo(TaskStatusReason.REASON_AGENT_RECOVERY_FAILED);
    assertThat(after.last("t3").getMessage()).isEqualTo("the agent restarted and found no executor for this task");
    assertThat(after.run("e3")).isNull();
  }

  @Test
  void withNoExecutorToWaitForTheAgentRegistersAtOnce() {
    SupervisorFixture after = restart();
    recover(after, after.checkpoint());
    assertThat(after.supervisor.runs()).isEmpty();
    assertThat(recovered).hasValue(1);
    assertThat(after.states("t1")).containsExactly(TaskState.TASK_FAILED);
  }
}
