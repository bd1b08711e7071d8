package io.corral.agent.exec;

import static io.corral.agent.exec.SupervisorFixture.COMMAND;
import static io.corral.agent.exec.SupervisorFixture.FRAMEWORK;
import static io.corral.agent.exec.SupervisorFixture.IDLE;
import static io.corral.agent.exec.SupervisorFixture.REGISTRATION;
import static io.corral.agent.exec.SupervisorFixture.commandTask;
import static io.corral.agent.exec.SupervisorFixture.customTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.agent.exec.ExecutorRunStateMachine.State;
import io.corral.protocol.AgentCall;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New runs: their container, their executor's files, their process, and every way a launch ends early. */
class RunLaunchTest {
  @TempDir
  Path work;

  @Test
  void aNewRunGetsAContainerOfItsOwnAndItsProcessWhatItNeeds() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(customTask("t1", "e1", "http://files/executor.tgz"));
    ExecutorRun run = f.run("e1");
    assertThat(run.containerId()).startsWith(Long.toString(f.loop.now().toEpochMilli(), 36) + "-");
    assertThat(run.sandbox()).isEqualTo(Sandboxes.runDir(work, run.key(), run.containerId()));
    assertThat(f.host.fetches).singleElement().satisfies(fetch -> {
      assertThat(fetch.dir()).isEqualTo(run.sandbox());
      assertThat(fetch.what()).isEqualTo("executor F1/e1");
    });
    assertThat(f.checkpoint().executors()).as("checkpointed before it runs").singleElement()
        .satisfies(e -> assertThat(e.getContainerId()).isEqualTo(run.containerId()));

    f.host.fetches.get(0).succeed();
    f.loop.runPending();

    assertThat(run.state()).isEqualTo(State.REGISTERING);
    assertThat(f.host.started).singleElement().satisfies(spec -> {
      assertThat(spec.agentId()).isEqualTo(SupervisorFixture.AGENT_ID);
      assertThat(spec.agentEndpoint()).isEqualTo(SupervisorFixture.ENDPOINT);
      assertThat(spec.agentHttp()).as("the agent serves no HTTP").isNull();
      assertThat(spec.cgroupProcs()).as("no cgroups").isEmpty();
    });
    f.runTasks(customTask("t2", "e1"));
    assertThat(f.host.started).as("the next task joins it").hasSize(1);
  }

  @Test
  void anExecutorWhoseFetchFailedNeverStartsAndItsTasksFail() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(customTask("t1", "e1", "http://files/executor.tgz"));
    ExecutorRun run = f.run("e1");

    f.host.fetches.get(0).fail("http://files/executor.tgz", "404 Not Found");

    assertThat(run.state()).isEqualTo(State.TERMINATED);
    assertThat(f.host.started).isEmpty();
    assertThat(f.last("t1").getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(f.last("t1").getReason()).isEqualTo(TaskStatusReason.REASON_FETCH_FAILED);
    assertThat(f.last("t1").getMessage()).isEqualTo("fetch failed: http://files/executor.tgz: 404 Not Found");
    assertThat(f.toMaster).singleElement().satisfies(c -> {
      assertThat(c.getExecutorExited().getMessage()).isEqualTo("fetch failed: http://files/executor.tgz: 404 Not Found");
      assertThat(c.getExecutorExited().hasStatus()).isFalse();
    });
    assertThat(f.host.containersKilled).as("no process ever ran in it").isEmpty();
    assertThat(f.checkpoint().executors()).isEmpty();
  }

  @Test
  void anExecutorThatCouldNotStartFailsItsTasks() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.host.startFailure = "no such user: nobody2";
    f.runTasks(customTask("t1", "e1"));

    assertThat(f.supervisor.runs()).isEmpty();
    assertThat(f.last("t1").getReason()).isEqualTo(TaskStatusReason.REASON_LAUNCH_FAILED);
    assertThat(f.last("t1").getMessage()).isEqualTo("could not start the executor: no such user: nobody2");
    assertThat(f.toMaster).singleElement().extracting(AgentCall::getExecutorExited)
        .satisfies(e -> assertThat(e.getMessage()).isEqualTo("could not start: no such user: nobody2"));
  }

  @Test
  void anExecutorThatDoesNotRegisterInTimeIsKilledAndItsTasksFail() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"));
    ExecutorRun run = f.run(COMMAND);

    f.advance(REGISTRATION.minusMillis(1));
    assertThat(f.host.kills).isEmpty();
    f.advance(Duration.ofMillis(1));
    assertThat(run.state()).isEqualTo(State.TERMINATING);
    assertThat(f.host.kills).containsExactly(new FakeHost.Kill(f.host.process(run).pid(), Duration.ZERO));
    assertThat(f.states("t1")).as("reported when it is gone").isEmpty();

    f.host.process(run).exit(143);
    f.loop.runPending();
    assertThat(f.last("t1").getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(f.last("t1").getReason()).isEqualTo(TaskStatusReason.REASON_EXECUTOR_REGISTRATION_TIMEOUT);
    assertThat(f.last("t1").getMessage()).isEqualTo("executor did not register within PT1M");
  }

  @Test
  void anExecutorThatSubscribedInTimeIsNotKilled() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"));
    f.subscribe(f.run(COMMAND));
    f.advance(REGISTRATION.multipliedBy(2));
    assertThat(f.host.kills).isEmpty();
  }

  @Test
  void aRunStoppedWhileItFetchesNeverStarts() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(customTask("t1", "e1", "http://files/executor.tgz"));
    ExecutorRun run = f.run("e1");

    f.supervisor.shutdownAll(Duration.ofSeconds(5));
    f.host.fetches.get(0).succeed();
    f.loop.runPending();

    assertThat(run.state()).isEqualTo(State.TERMINATED);
    assertThat(f.host.started).isEmpty();
    assertThat(f.last("t1").getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(f.last("t1").getReason()).isEqualTo(TaskStatusReason.REASON_KILLED_BY_SCHEDULER);
    assertThat(f.last("t1").getMessage()).isEqualTo("agent shutting down");
  }

  @Test
  void aRunStoppedWhileItsProcessStartsIsKilledOnceItHasOne() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.supervisor.runTasks(FRAMEWORK, List.of(commandTask("t1")));
    ExecutorRun run = f.run(COMMAND);
    assertThat(run.state()).isEqualTo(State.STARTING);

    f.supervisor.shutdownAll(Duration.ofSeconds(5));
    f.loop.runPending();

    assertThat(run.state()).isEqualTo(State.TERMINATING);
    assertThat(f.host.kills).containsExactly(new FakeHost.Kill(f.host.process(run).pid(), Duration.ZERO));
    f.host.process(run).exit(137);
    f.loop.runPending();
    assertThat(f.last("t1").getState()).isEqualTo(TaskState.TASK_KILLED);
  }

  @Test
  void aTaskForAnExecutorThatIsStoppingGoesToANewRun() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1", "http://files/a"));
    f.host.fetches.get(0).fail("http://files/a", "gone");
    ExecutorRun first = f.run(COMMAND);
    f.subscribe(first);
    f.advance(IDLE);
    assertThat(first.state()).isEqualTo(State.TERMINATING);

    f.runTasks(commandTask("t2"));

    ExecutorRun second = f.run(COMMAND);
    assertThat(second).isNotSameAs(first);
    assertThat(second.containerId()).isNotEqualTo(first.containerId());
    assertThat(second.tasks()).containsOnlyKeys("t2");
    f.host.process(first).exit(0);
    f.loop.runPending();
    assertThat(f.run(COMMAND)).as("the ended run does not take the new one's place").isSameAs(second);
    assertThat(f.checkpoint().executors()).as("nor its checkpoint").singleElement()
        .satisfies(e -> assertThat(e.getContainerId()).isEqualTo(second.containerId()));
  }
}
