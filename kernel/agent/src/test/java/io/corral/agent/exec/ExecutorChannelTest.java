package io.corral.agent.exec;

import static io.corral.agent.exec.SupervisorFixture.COMMAND;
import static io.corral.agent.exec.SupervisorFixture.commandTask;
import static io.corral.agent.exec.SupervisorFixture.customTask;
import static io.corral.protocol.ExecutorEvent.TypeCase.ACKNOWLEDGED;
import static io.corral.protocol.ExecutorEvent.TypeCase.ERROR;
import static io.corral.protocol.ExecutorEvent.TypeCase.LAUNCH;
import static io.corral.protocol.ExecutorEvent.TypeCase.SUBSCRIBED;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.corral.agent.exec.ExecutorRunStateMachine.State;
import io.corral.protocol.AgentCall;
import io.corral.protocol.ExecutorCall;
import io.corral.protocol.TaskState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's end of the executor protocol: who may subscribe, what a subscribed stream carries. */
class ExecutorChannelTest {
  @TempDir
  Path work;

  @Test
  void withTokensOnlyTheExecutorTheAgentStartedMaySubscribe() throws Exception {
    ExecutorTokens tokens = ExecutorTokens.in(work.resolve("keys"));
    SupervisorFixture f = new SupervisorFixture(work, tokens);
    f.runTasks(commandTask("t1"));
    ExecutorRun run = f.run(COMMAND);

    ExecutorStream impostor = f.subscribe(run, List.of(), List.of(), "not-the-token");
    ExecutorStream other = f.subscribe(run, List.of(), List.of(), tokens.token("another-container"));

    for (ExecutorStream s : List.of(impostor, other)) {
      assertThat(s.kinds()).containsExactly(ERROR);
      assertThat(s.sent.get(0).getError().getFatal()).isTrue();
      assertThat(s.sent.get(0).getError().getMessage()).startsWith("executor F1/corral:command did not prove itself");
      assertThat(s.completed).isTrue();
    }
    assertThat(run.state()).isEqualTo(State.REGISTERING);

    ExecutorStream real = f.subscribe(run, List.of(), List.of(), tokens.token(run.containerId()));
    assertThat(real.kinds()).containsExactly(SUBSCRIBED, LAUNCH);
    assertThat(run.state()).isEqualTo(State.RUNNING);
  }

  @Test
  void anUnknownExecutorOrContainerIsRefused() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"));
    ExecutorStream unknown = f.stream();
    f.call(unknown, ExecutorCall.newBuilder().setFrameworkId("F1").setExecutorId("nobody")
        .setSubscribe(ExecutorCall.Subscribe.newBuilder().setContainerId("c9")).build());
    ExecutorStream oldContainer = f.stream();
    f.call(oldContainer, ExecutorCall.newBuilder().setFrameworkId("F1").setExecutorId(COMMAND.executorId())
        .setSubscribe(ExecutorCall.Subscribe.newBuilder().setContainerId("an-earlier-run")).build());

    assertThat(unknown.sent).singleElement().satisfies(e -> {
      assertThat(e.getError().getMessage()).isEqualTo("unknown executor F1/nobody (container c9)");
      assertThat(e.getError().getFatal()).isTrue();
    });
    assertThat(oldContainer.kinds()).containsExactly(ERROR);
    assertThat(unknown.completed && oldContainer.completed).isTrue();
  }

  @Test
  void anExecutorWhoseProcessIsNotStartedYetCannotSubscribe() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(customTask("t1", "e1", "http://files/executor.tgz"));
    ExecutorRun run = f.run("e1");
    assertThat(run.state()).isEqualTo(State.FETCHING);

    ExecutorStream s = f.subscribe(run);

    assertThat(s.kinds()).containsExactly(ERROR);
    assertThat(s.completed).isTrue();
    assertThat(run.connection()).isNull();
    assertThat(run.state()).isEqualTo(State.FETCHING);
  }

  @Test
  void callsBeforeSubscribingAreRefusedWithoutEndingTheStream() {
    SupervisorFixture f = new SupervisorFixture(work);
    ExecutorStream s = f.stream();
    f.call(s, ExecutorCall.newBuilder().setFrameworkId("F1").setExecutorId("e1")
        .setUpdate(ExecutorCall.Update.newBuilder().setStatus(SupervisorFixture.status("t1", TaskState.TASK_RUNNING)))
        .build());
    assertThat(s.sent).singleElement().satisfies(e -> {
      assertThat(e.getError().getCall()).isEqualTo("UPDATE");
      assertThat(e.getError().getMessage()).isEqualTo("not subscribed: the first call must be SUBSCRIBE");
      assertThat(e.getError().getFatal()).isFalse();
    });
    assertThat(s.completed).isFalse();
  }

  @Test
  void aSubscriptionOnAStreamThatEndedIsIgnored() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"));
    ExecutorRun run = f.run(COMMAND);
    ExecutorStream s = f.stream();
    s.drop();
    f.call(s, ExecutorCall.newBuilder().setFrameworkId("F1").setExecutorId(COMMAND.executorId())
        .setSubscribe(ExecutorCall.Subscribe.newBuilder().setContainerId(run.containerId())).build());
    assertThat(s.sent).isEmpty();
    assertThat(run.state()).isEqualTo(State.REGISTERING);
  }

  @Test
  void updatesAreAcknowledgedMessagesGoToTheMasterAndANewStreamReplacesTheOld() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(customTask("t1", "e1"));
    ExecutorRun run = f.run("e1");
    ExecutorStream first = f.subscribe(run);

    f.update(first, run, "t1", TaskState.TASK_RUNNING);
    f.update(first, run, "unknown-task", TaskState.TASK_RUNNING);
    f.call(first, ExecutorCall.newBuilder().setFrameworkId("F1").setExecutorId("e1")
        .setMessage(ExecutorCall.Message.newBuilder().setData(ByteString.copyFromUtf8("hello"))).build());

    assertThat(first.of(ACKNOWLEDGED)).as("even an update of a task it does not run").hasSize(2);
    assertThat(f.states("t1")).containsExactly(TaskState.TASK_RUNNING);
    assertThat(f.last("t1").getAgentId()).isEqualTo(SupervisorFixture.AGENT_ID);
    assertThat(f.last("t1").getExecutorId()).isEqualTo("e1");
    assertThat(f.states("unknown-task")).isEmpty();
    assertThat(f.toMaster).singleElement().satisfies(c -> {
      AgentCall.ExecutorMessage m = c.getMessage();
      assertThat(m.getExecutorId()).isEqualTo("e1");
      assertThat(m.getData().toStringUtf8()).isEqualTo("hello");
    });

    ExecutorStream second = f.subscribe(run);
    assertThat(first.completed).as("the old stream is ended").isTrue();
    assertThat(second.kinds()).containsExactly(SUBSCRIBED);
    f.update(second, run, "t1", TaskState.TASK_FINISHED);
    assertThat(second.of(ACKNOWLEDGED)).hasSize(1);
  }

  @Test
  void anExecutorThatDisconnectedKeepsItsRunAndGetsWhatCameMeanwhile() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"));
    ExecutorRun run = f.run(COMMAND);
    ExecutorStream first = f.subscribe(run);
    first.drop();
    f.loop.runPending();
    assertThat(run.isConnected()).isFalse();
    assertThat(run.state()).isEqualTo(State.RUNNING);

    f.runTasks(commandTask("t2"));
    ExecutorStream second = f.subscribe(run);

    assertThat(second.kinds()).containsExactly(SUBSCRIBED, LAUNCH);
    assertThat(second.of(LAUNCH).get(0).getLaunch().getTasks(0).getTaskId()).isEqualTo("t2");
  }
}
