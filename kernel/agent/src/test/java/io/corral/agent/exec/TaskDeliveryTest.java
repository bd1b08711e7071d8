package io.corral.agent.exec;

import static io.corral.agent.exec.SupervisorFixture.COMMAND;
import static io.corral.agent.exec.SupervisorFixture.FRAMEWORK;
import static io.corral.agent.exec.SupervisorFixture.GRACE;
import static io.corral.agent.exec.SupervisorFixture.IDLE;
import static io.corral.agent.exec.SupervisorFixture.commandTask;
import static io.corral.agent.exec.SupervisorFixture.customTask;
import static io.corral.protocol.ExecutorEvent.TypeCase.ACKNOWLEDGED;
import static io.corral.protocol.ExecutorEvent.TypeCase.KILL;
import static io.corral.protocol.ExecutorEvent.TypeCase.LAUNCH;
import static io.corral.protocol.ExecutorEvent.TypeCase.SHUTDOWN;
import static io.corral.protocol.ExecutorEvent.TypeCase.SUBSCRIBED;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.agent.exec.ExecutorRunStateMachine.State;
import io.corral.fetcher.FetchUser;
import io.corral.protocol.AgentCall;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks from the master to their executors and back, through the real parts: a manual loop, a fake host. */
class TaskDeliveryTest {
  @TempDir
  java.nio.file.Path work;

  @Test
  void aCommandTaskFollowedThroughTheAgent() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"));
    ExecutorRun run = f.run(COMMAND);
    assertThat(run.state()).as("nothing to fetch, its process started").isEqualTo(State.REGISTERING);
    assertThat(f.host.started).hasSize(1);
    assertThat(f.checkpoint().executors()).singleElement()
        .satisfies(e -> assertThat(e.getPid()).isEqualTo(f.host.process(run).pid()));
    assertThat(f.checkpoint().tasks()).hasSize(1);

    ExecutorStream s = f.subscribe(run);
    assertThat(run.state()).isEqualTo(State.RUNNING);
    assertThat(s.kinds()).containsExactly(SUBSCRIBED, LAUNCH);
    assertThat(s.of(LAUNCH).get(0).getLaunch().getTasksList()).extracting(TaskInfo::getTaskId).containsExactly("t1");

    f.update(s, run, "t1", TaskState.TASK_RUNNING);
    f.update(s, run, "t1", TaskState.TASK_FINISHED);
    assertThat(s.of(ACKNOWLEDGED)).hasSize(2);
    f.acknowledge("t1");
    f.acknowledge("t1");
    assertThat(f.states("t1")).containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    assertThat(f.supervisor.tasks(SupervisorFixture.AGENT_ID)).as("forgotten once acknowledged").isEmpty();
    assertThat(f.checkpoint().tasks()).isEmpty();

    f.advance(IDLE.minusMillis(1));
    assertThat(s.of(SHUTDOWN)).as("idle, not yet for long enough").isEmpty();
    f.advance(Duration.ofMillis(1));
    assertThat(run.state()).isEqualTo(State.TERMINATING);
    assertThat(s.of(SHUTDOWN)).singleElement()
        .satisfies(e -> assertThat(e.getShutdown().getGracePeriodSeconds()).isEqualTo(3.0));
    f.advance(GRACE);
    assertThat(f.host.kills).containsExactly(new FakeHost.Kill(f.host.process(run).pid(), Duration.ZERO));

    f.host.process(run).exit(0);
    f.loop.runPending();
    assertThat(run.state()).isEqualTo(State.TERMINATED);
    assertThat(f.supervisor.runs()).isEmpty();
    assertThat(f.host.containersKilled).containsExactly(run.containerId());
    assertThat(f.checkpoint().executors()).isEmpty();
    assertThat(f.checkpoint().frameworks()).as("nothing of it is left here").isEmpty();
    assertThat(f.toMaster).as("the command executor is the agent's own").isEmpty();
    assertThat(s.completed).isTrue();
  }

  @Test
  void tasksThatAreReadyWhileTheExecutorIsConnectedGoAtOnceInOneMessage() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"));
    ExecutorRun run = f.run(COMMAND);
    ExecutorStream s = f.subscribe(run);

    f.runTasks(commandTask("t2"), commandTask("t3"));

    assertThat(s.of(LAUNCH)).hasSize(2);
    assertThat(s.of(LAUNCH).get(1).getLaunch().getTasksList()).extracting(TaskInfo::getTaskId)
        .containsExactly("t2", "t3");
    assertThat(f.host.started).as("one executor for them all").hasSize(1);
  }

  @Test
  void aDuplicateLaunchIsIgnored() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"));
    f.runTasks(commandTask("t1"));
    ExecutorStream s = f.subscribe(f.run(COMMAND));
    assertThat(s.of(LAUNCH).get(0).getLaunch().getTasksCount()).isEqualTo(1);
  }

  @Test
  void aTasksFilesAreFetchedAsItsUserIntoItsOwnSandboxBeforeItGoes() {
    SupervisorFixture f = new SupervisorFixture(work);
    TaskInfo asBob = commandTask("t1", "http://files/a.tgz");
    asBob = asBob.toBuilder().setCommand(asBob.getCommand().toBuilder().setUser("bob")).build();
    f.runTasks(asBob);
    ExecutorRun run = f.run(COMMAND);
    ExecutorStream s = f.subscribe(run);
    assertThat(s.of(LAUNCH)).as("still fetching").isEmpty();
    assertThat(f.host.fetches).singleElement().satisfies(fetch -> {
      assertThat(fetch.dir()).isEqualTo(run.sandbox().resolve("tasks").resolve("t1"));
      assertThat(fetch.what()).isEqualTo("task F1/t1");
      assertThat(fetch.user()).isEqualTo(new FetchUser("bob", false));
    });

    f.host.fetches.get(0).succeed();

    assertThat(s.of(LAUNCH)).singleElement();
  }

  @Test
  void aTaskWhoseFetchFailedFailsAndTheCommandExecutorIdlesOutFromItsConnection() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1", "http://files/a.tgz"));
    f.host.fetches.get(0).fail("http://files/a.tgz", "404 Not Found");
    assertThat(f.states("t1")).containsExactly(TaskState.TASK_FAILED);
    assertThat(f.last("t1").getReason()).isEqualTo(TaskStatusReason.REASON_FETCH_FAILED);
    assertThat(f.last("t1").getMessage()).isEqualTo("fetch failed: http://files/a.tgz: 404 Not Found");

    ExecutorRun run = f.run(COMMAND);
    ExecutorStream s = f.subscribe(run);
    assertThat(s.of(LAUNCH)).isEmpty();
    f.advance(IDLE);
    assertThat(s.of(SHUTDOWN)).as("connected with nothing to do: it idles out").hasSize(1);
  }

  @Test
  void aKillBeforeTheTaskReachesItsExecutorEndsItAtOnce() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("queued"), commandTask("fetching", "http://files/a.tgz"));

    f.supervisor.killTask("F1", "queued", KillPolicy.getDefaultInstance());
    f.supervisor.killTask("F1", "fetching", KillPolicy.getDefaultInstance());
    f.loop.runPending();

    assertThat(f.last("queued").getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(f.last("queued").getReason()).isEqualTo(TaskStatusReason.REASON_TASK_KILLED_DURING_LAUNCH);
    assertThat(f.last("queued").getMessage()).isEqualTo("killed before its executor started");
    assertThat(f.last("fetching").getMessage()).isEqualTo("killed while its files were fetched");
    f.host.fetches.get(0).succeed();
    ExecutorStream s = f.subscribe(f.run(COMMAND));
    assertThat(s.of(LAUNCH)).as("neither goes to the executor").isEmpty();
    assertThat(f.states("fetching")).containsExactly(TaskState.TASK_KILLED);
  }

  @Test
  void aKillOfATaskWithItsExecutorGoesToTheExecutorAndAgainWhenItReconnects() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"));
    ExecutorRun run = f.run(COMMAND);
    ExecutorStream first = f.subscribe(run);
    KillPolicy policy = KillPolicy.newBuilder().setGracePeriodSeconds(7).build();

    f.supervisor.killTask("F1", "t1", policy);
    assertThat(first.of(KILL)).singleElement()
        .satisfies(k -> assertThat(k.getKill().getKillPolicy()).isEqualTo(policy));

    first.drop();
    f.loop.runPending();
    ExecutorStream second = f.subscribe(run);
    assertThat(second.kinds()).containsExactly(SUBSCRIBED, KILL);
    assertThat(f.states("t1")).as("its end is the executor's to report").isEmpty();
  }

  @Test
  void aTaskTheMasterPreemptsEndsKilledWithTheMastersReasonWhateverItsExecutorSays() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"));
    ExecutorRun run = f.run(COMMAND);
    ExecutorStream s = f.subscribe(run);
    KillCause cause = new KillCause(TaskStatusReason.REASON_PREEMPTED, "preempted for role b");

    f.supervisor.killTask("F1", "t1", KillPolicy.getDefaultInstance(), cause);
    assertThat(s.of(KILL)).hasSize(1);
    f.update(s, run, "t1", TaskState.TASK_KILLED); // the executor says REASON_KILLED_BY_SCHEDULER or nothing

    assertThat(f.last("t1").getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(f.last("t1").getReason()).isEqualTo(TaskStatusReason.REASON_PREEMPTED);
    assertThat(f.last("t1").getMessage()).isEqualTo("preempted for role b");
  }

  @Test
  void aPreemptedTaskThatFinishesFirstStaysFinished() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"));
    ExecutorRun run = f.run(COMMAND);
    ExecutorStream s = f.subscribe(run);
    f.supervisor.killTask("F1", "t1", KillPolicy.getDefaultInstance(),
        new KillCause(TaskStatusReason.REASON_PREEMPTED, "preempted for role b"));

    f.update(s, run, "t1", TaskState.TASK_FINISHED);

    assertThat(f.last("t1").getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(f.last("t1").getReason()).isNotEqualTo(TaskStatusReason.REASON_PREEMPTED);
  }

  @Test
  void aKillOfATaskTheAgentDoesNotKnowReportsItLost() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.supervisor.killTask("F1", "ghost", KillPolicy.getDefaultInstance());
    f.loop.runPending();
    assertThat(f.last("ghost").getState()).isEqualTo(TaskState.TASK_LOST);
    assertThat(f.last("ghost").getReason()).isEqualTo(TaskStatusReason.REASON_TASK_UNKNOWN);
  }

  @Test
  void aCustomExecutorThatLostEveryTaskBeforeItConnectedStopsAtOnce() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(customTask("t1", "e1"));
    ExecutorRun run = f.run("e1");
    assertThat(run.state()).isEqualTo(State.REGISTERING);

    f.supervisor.killTask("F1", "t1", KillPolicy.getDefaultInstance());
    f.loop.runPending();

    assertThat(run.state()).isEqualTo(State.TERMINATING);
    assertThat(f.host.kills).containsExactly(new FakeHost.Kill(f.host.process(run).pid(), Duration.ZERO));
    f.host.process(run).exit(137);
    f.loop.runPending();
    assertThat(f.toMaster).singleElement().satisfies(c -> {
      AgentCall.ExecutorExited e = c.getExecutorExited();
      assertThat(e.getExecutorId()).isEqualTo("e1");
      assertThat(e.getStatus()).isEqualTo(137);
      assertThat(e.getMessage()).isEqualTo("no tasks left before it registered");
    });
  }

  @Test
  void aNewTaskCallsOffTheIdleClock() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1", "http://files/a.tgz"));
    f.host.fetches.get(0).fail("http://files/a.tgz", "gone");
    ExecutorRun run = f.run(COMMAND);
    ExecutorStream s = f.subscribe(run);
    f.advance(IDLE.minusSeconds(1));

    f.runTasks(commandTask("t2"));
    f.advance(IDLE);

    assertThat(s.of(SHUTDOWN)).isEmpty();
    assertThat(s.of(LAUNCH)).singleElement();
    assertThat(run.state()).isEqualTo(State.RUNNING);
  }

  @Test
  void aFrameworksNewInfoIsCheckpointedOnce() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"));
    f.runTasks(commandTask("t2"));
    assertThat(f.checkpoint().frameworks()).singleElement()
        .satisfies(c -> assertThat(c.getFramework()).isEqualTo(FRAMEWORK));
    assertThat(f.supervisor.frameworks()).containsExactly(FRAMEWORK);
  }
}
