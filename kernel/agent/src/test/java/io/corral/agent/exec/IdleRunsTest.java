package io.corral.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.EventLoop.Cancellable;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which runs with no live task end, and when: on a manual timer, no processes. */
class IdleRunsTest {
  private static final Duration IDLE = Duration.ofSeconds(10);
  private static final Duration GRACE = Duration.ofSeconds(3);

  /** Timers that run only when the test fires them. */
  private static final class ManualTimers {
    final List<Duration> delays = new ArrayList<>();
    final List<Runnable> pending = new ArrayList<>();

    Cancellable schedule(Duration delay, Runnable task) {
      delays.add(delay);
      pending.add(task);
      return () -> pending.remove(task);
    }

    void fireAll() {
      new ArrayList<>(pending).forEach(r -> {
        pending.remove(r);
        r.run();
      });
    }
  }

  private final ManualTimers timers = new ManualTimers();
  private final Map<ExecutorRun, IdleRuns.Stop> stopped = new LinkedHashMap<>();
  private final IdleRuns idle = new IdleRuns(timers::schedule, IDLE, GRACE, stopped::put);

  private static ExecutorRun run(boolean command) {
    String id = command ? ExecutorSupervisor.COMMAND_EXECUTOR_ID : "custom-1";
    return new ExecutorRun(new ExecutorKey("F1", id), "c1", ExecutorInfo.newBuilder().setExecutorId(id).build(),
        FrameworkInfo.newBuilder().setId("F1").build(), command, Path.of("/nonexistent"));
  }

  private static AgentTask task(ExecutorRun run, String id) {
    AgentTask t = new AgentTask("F1", TaskInfo.newBuilder().setTaskId(id).build(), run);
    run.tasks().put(id, t);
    return t;
  }

  private static void end(AgentTask t, TaskState state) {
    t.update(TaskStatus.newBuilder().setTaskId(t.info().getTaskId()).setState(state).build());
    t.setStage(AgentTaskStateMachine.Stage.ENDED);
  }

  @Test
  void aCommandExecutorWhoseOnlyTaskFailedAtFetchBeforeItConnectedIdlesOutFromItsConnection() {
    ExecutorRun run = run(true);
    end(task(run, "t1"), TaskState.TASK_FAILED);

    idle.check(run); // the task's end, while its executor starts
    assertThat(timers.pending).as("decided when it connects").isEmpty();
    assertThat(stopped).isEmpty();

    run.setState(ExecutorRunStateMachine.State.RUNNING);
    idle.check(run); // it subscribed: nothing to run
    assertThat(timers.delays).containsExactly(IDLE);
    timers.fireAll();

    assertThat(stopped).containsExactly(Map.entry(run, new IdleRuns.Stop("idle for PT10S", GRACE)));
  }

  @Test
  void aCommandExecutorWhoseLastTaskEndedIdlesOutOnceAndNotWhenATaskCame() {
    ExecutorRun run = run(true);
    run.setState(ExecutorRunStateMachine.State.RUNNING);
    AgentTask first = task(run, "t1");
    idle.check(run);
    assertThat(timers.pending).as("a live task").isEmpty();

    end(first, TaskState.TASK_FINISHED);
    idle.check(run);
    idle.check(run); // a second look keeps the clock running, not a second clock
    assertThat(timers.delays).containsExactly(IDLE);

    task(run, "t2"); // the agent cancels the clock when a task comes; one that fires anyway stops nothing
    timers.fireAll();
    assertThat(stopped).isEmpty();
    assertThat(run.hasIdleTimer()).isFalse();
  }

  @Test
  void aRecoveredCommandExecutorThatReconnectsWithOnlyEndedTasksIdlesOut() {
    ExecutorRun run = run(true);
    run.setState(ExecutorRunStateMachine.State.RECOVERING);
    end(task(run, "t1"), TaskState.TASK_FINISHED); // ended while the agent was down, not yet acknowledged
    idle.check(run);
    assertThat(timers.pending).as("waiting for it to reconnect").isEmpty();

    run.setState(ExecutorRunStateMachine.State.RUNNING);
    idle.check(run);
    timers.fireAll();

    assertThat(stopped).containsOnlyKeys(run);
  }

  @Test
  void aCustomExecutorThatLostEveryTaskBeforeItConnectedStopsAtOnce() {
    ExecutorRun run = run(false);
    AgentTask a = task(run, "a");
    AgentTask b = task(run, "b");
    end(a, TaskState.TASK_KILLED);
    idle.check(run);
    assertThat(stopped).as("b may still reach it").isEmpty();

    end(b, TaskState.TASK_FAILED);
    idle.check(run);

    assertThat(stopped).containsExactly(
        Map.entry(run, new IdleRuns.Stop("no tasks left before it registered", Duration.ZERO)));
    assertThat(timers.delays).isEmpty();
  }

  @Test
  void aCustomExecutorThatConnectedIsKeptForItsFramework() {
    ExecutorRun run = run(false);
    run.setState(ExecutorRunStateMachine.State.RUNNING);
    end(task(run, "a"), TaskState.TASK_FINISHED);

    idle.check(run);

    assertThat(IdleRuns.verdict(run)).isEqualTo(IdleRuns.Verdict.KEEP);
    assertThat(stopped).isEmpty();
    assertThat(timers.delays).isEmpty();
  }

  @Test
  void aRunThatIsStoppingIsLeftToItsEnd() {
    for (ExecutorRunStateMachine.State s
        : List.of(ExecutorRunStateMachine.State.TERMINATING, ExecutorRunStateMachine.State.TERMINATED)) {
      for (boolean command : List.of(true, false)) {
        ExecutorRun run = run(command);
        run.setState(s);
        assertThat(IdleRuns.verdict(run)).as(s + (command ? " command" : " custom")).isEqualTo(IdleRuns.Verdict.KEEP);
      }
    }
  }
}
