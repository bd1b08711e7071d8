package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.master.MasterConfig;
import io.corral.master.registry.AgentRecord;
import io.corral.master.registry.InMemoryAgentRegistry;
import io.corral.protocol.AgentCall;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A drained agent's grace period, on the master's loop with a manual clock: its tasks are killed
 * when the grace period ends, unless they ended or the agent was put back in service first; a
 * newly elected master keeps the deadline its registry recorded. Nothing here waits in real time.
 */
class DrainGraceTest {
  private static final Duration MS = Duration.ofMillis(1);

  private final InMemoryAgentRegistry registry = new InMemoryAgentRegistry();
  private final ManualMaster master = new ManualMaster(
      MasterConfig.builder().drainGracePeriod(Duration.ofMinutes(1)).build(), registry);

  private ManualMaster.Agent agent;
  private ManualMaster.Scheduler scheduler;

  /** A serving master with one agent running two tasks. */
  private void serving() {
    master.recover(Map.of());
    agent = master.agent("cpus:4;mem:4096");
    scheduler = master.scheduler(ManualMaster.framework("fw"));
    scheduler.launch(scheduler.outstanding().get(0), ManualMaster.task("t1", "cpus:1;mem:128"),
        ManualMaster.task("t2", "cpus:1;mem:128"));
    agent.update(scheduler.id(), "t1", TaskState.TASK_RUNNING);
    agent.update(scheduler.id(), "t2", TaskState.TASK_RUNNING);
  }

  private OperatorResult drain(Duration grace) {
    return master.settled(() -> master.core.drainAgent(agent.id(), grace));
  }

  private String maintenance() {
    return master.query(v -> v.agentEntries().iterator().next().maintenance().name());
  }

  @Test
  void theTasksOfADrainingAgentAreKilledWhenTheGracePeriodEnds() {
    serving();
    master.advance(Duration.ofSeconds(5));
    drain(Duration.ofSeconds(30));

    master.advance(Duration.ofSeconds(30).minus(MS));
    assertThat(agent.killed()).isEmpty();
    assertThat(maintenance()).isEqualTo("DRAINING");

    master.advance(MS);
    assertThat(agent.killed()).containsExactlyInAnyOrder("t1", "t2");
    assertThat(master.elapsed()).isEqualTo(Duration.ofSeconds(35));

    agent.update(scheduler.id(), "t1", TaskState.TASK_KILLED);
    agent.update(scheduler.id(), "t2", TaskState.TASK_KILLED);
    assertThat(maintenance()).isEqualTo("DRAINED");
  }

  @Test
  void withoutAGraceTheMastersDefaultApplies() {
    serving();
    drain(null);

    master.advance(Duration.ofMinutes(1).minus(MS));
    assertThat(agent.killed()).isEmpty();
    master.advance(MS);
    assertThat(agent.killed()).hasSize(2);
  }

  @Test
  void tasksThatEndWithinTheGraceLeaveTheAgentDrainedAndNothingIsKilled() {
    serving();
    drain(Duration.ofSeconds(30));
    agent.update(scheduler.id(), "t1", TaskState.TASK_FINISHED);
    agent.update(scheduler.id(), "t2", TaskState.TASK_FINISHED);
    assertThat(maintenance()).isEqualTo("DRAINED");

    master.advance(Duration.ofMinutes(5));

    assertThat(agent.killed()).isEmpty();
  }

  @Test
  void anAgentPutBackInServiceWithinTheGraceKeepsItsTasks() {
    serving();
    drain(Duration.ofSeconds(30));
    master.advance(Duration.ofSeconds(10));

    assertThat(master.settled(() -> master.core.undrainAgent(agent.id())).message()).contains("back in service");
    master.advance(Duration.ofMinutes(5));

    assertThat(agent.killed()).isEmpty();
    assertThat(maintenance()).isEqualTo("NONE");
  }

  @Test
  void aNewlyElectedMasterKillsAtTheDeadlineItsRegistryRecorded() {
    long deadline = ManualMaster.START.plusSeconds(40).toEpochMilli();
    master.recover(Map.of("A1", new AgentRecord(AgentRecord.State.ADMITTED, 0L, deadline)));
    master.advance(Duration.ofSeconds(10));
    FrameworkInfo fw = ManualMaster.framework("fw").toBuilder().setId("F1").build();
    agent = master.agent(AgentCall.Register.newBuilder().setAgentInfo(ManualMaster.agentInfo("A1", "cpus:4;mem:4096"))
        .addFrameworks(fw).addTasks(Task.newBuilder().setTaskId("t1").setFrameworkId("F1").setAgentId("A1")
            .setState(TaskState.TASK_RUNNING)).build());
    assertThat(maintenance()).isEqualTo("DRAINING");

    master.advance(Duration.ofSeconds(30).minus(MS));
    assertThat(agent.killed()).isEmpty();
    master.advance(MS);
    assertThat(agent.killed()).containsExactly("t1");
  }
}
