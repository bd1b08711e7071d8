package io.corral.agent.exec;

import static io.corral.agent.exec.SupervisorFixture.COMMAND;
import static io.corral.agent.exec.SupervisorFixture.GRACE;
import static io.corral.agent.exec.SupervisorFixture.commandTask;
import static io.corral.agent.exec.SupervisorFixture.customTask;
import static io.corral.protocol.ExecutorEvent.TypeCase.SHUTDOWN;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.agent.exec.ExecutorRunStateMachine.State;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs stopped as a whole: a framework removed, the agent stopping, the agent removed by the master. */
class RunShutdownsTest {
  @TempDir
  Path work;

  @Test
  void anAgentThatStopsAsksItsExecutorsToShutDownAndTheirTasksAreKilled() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"), customTask("t2", "e2"));
    ExecutorRun command = f.run(COMMAND);
    ExecutorRun e2 = f.run("e2");
    ExecutorStream s = f.subscribe(command);

    CompletableFuture<Void> gone = f.supervisor.shutdownAll(Duration.ofSeconds(4));
    f.loop.runPending();

    assertThat(s.of(SHUTDOWN)).singleElement()
        .satisfies(e -> assertThat(e.getShutdown().getGracePeriodSeconds()).isEqualTo(4.0));
    assertThat(f.host.kills).as("e2 never connected: signalled, with the grace")
        .containsExactly(new FakeHost.Kill(f.host.process(e2).pid(), Duration.ofSeconds(4)));
    f.advance(Duration.ofSeconds(4));
    assertThat(f.host.kills).hasSize(2);
    assertThat(gone).isNotDone();

    f.host.process(command).exit(0);
    f.host.process(e2).exit(143);
    f.loop.runPending();
    assertThat(gone).isDone();
    for (String task : new String[] {"t1", "t2"}) {
      assertThat(f.last(task).getState()).isEqualTo(TaskState.TASK_KILLED);
      assertThat(f.last(task).getReason()).isEqualTo(TaskStatusReason.REASON_KILLED_BY_SCHEDULER);
      assertThat(f.last(task).getMessage()).isEqualTo("agent shutting down");
    }
    assertThat(f.supervisor.settleStopped()).isDone();
    assertThat(f.supervisor.runs()).isEmpty();
  }

  @Test
  void settlingRunsWhoseProcessesAreGoneEndsThemThoughTheirExitWasNotHeardYet() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"));
    ExecutorRun run = f.run(COMMAND);
    f.supervisor.shutdownAll(Duration.ZERO);
    f.host.process(run).exit(137); // its exit callback is queued on the loop, not run yet

    f.supervisor.settleStopped();

    assertThat(run.state()).isEqualTo(State.TERMINATED);
    assertThat(f.supervisor.runs()).isEmpty();
  }

  @Test
  void aRemovedFrameworksExecutorsStopAndNothingOfItIsReportedOrKept() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(customTask("t1", "e1"));
    ExecutorRun run = f.run("e1");
    ExecutorStream s = f.subscribe(run);
    f.update(s, run, "t1", TaskState.TASK_RUNNING);
    int sentBefore = f.sent.size();

    f.supervisor.shutdownFramework("F1");
    f.loop.runPending();

    assertThat(s.of(SHUTDOWN)).singleElement()
        .satisfies(e -> assertThat(e.getShutdown().getGracePeriodSeconds()).isEqualTo(GRACE.toMillis() / 1000.0));
    assertThat(f.supervisor.frameworks()).isEmpty();
    assertThat(f.supervisor.tasks(SupervisorFixture.AGENT_ID)).isEmpty();
    assertThat(f.checkpoint().frameworks()).isEmpty();
    assertThat(f.checkpoint().tasks()).isEmpty();
    assertThat(f.updates.pending()).isZero();

    f.update(s, run, "t1", TaskState.TASK_KILLED);
    f.host.process(run).exit(0);
    f.loop.runPending();
    assertThat(f.sent).as("nobody would acknowledge").hasSize(sentBefore);
    assertThat(run.tasks()).isEmpty();
    assertThat(f.checkpoint().executors()).isEmpty();
  }

  @Test
  void anAgentTheMasterRemovedKillsEverythingAndReportsNothing() {
    SupervisorFixture f = new SupervisorFixture(work);
    f.runTasks(commandTask("t1"), customTask("t2", "e2", "http://files/e.tgz"));
    ExecutorRun command = f.run(COMMAND);
    ExecutorRun e2 = f.run("e2");
    ExecutorStream s = f.subscribe(command);
    int sentBefore = f.sent.size();

    f.supervisor.abandonAll();
    f.host.fetches.get(0).succeed();
    f.host.process(command).exit(137);
    f.loop.runPending();

    assertThat(f.host.kills).containsExactly(new FakeHost.Kill(f.host.process(command).pid(), Duration.ZERO));
    assertThat(f.host.containersKilled).containsExactlyInAnyOrder(command.containerId(), e2.containerId());
    assertThat(f.host.started).as("the fetching executor never starts").hasSize(1);
    assertThat(s.completed).isTrue();
    assertThat(f.supervisor.runs()).isEmpty();
    assertThat(f.supervisor.tasks(SupervisorFixture.AGENT_ID)).isEmpty();
    assertThat(f.supervisor.frameworks()).isEmpty();
    assertThat(f.sent).hasSize(sentBefore);
    assertThat(f.toMaster).isEmpty();
  }
}
