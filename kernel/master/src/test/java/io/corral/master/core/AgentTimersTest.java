package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.master.MasterConfig;
import io.corral.master.registry.AgentRecord;
import io.corral.master.registry.InMemoryAgentRegistry;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An agent's timers, on the master's loop with a manual clock: pings every ping timeout, an agent
 * that misses too many in a row is unreachable (its tasks too), one unreachable past the gone
 * timeout is removed for good, and a newly elected master waits for the agents of its registry
 * up to the re-register timeout. Nothing here waits in real time.
 */
class AgentTimersTest {
  private static final Duration MS = Duration.ofMillis(1);
  private static final Duration PING = Duration.ofSeconds(15);
  /** Five pings missed in a row: the sixth ping tick after the last pong finds the agent unreachable. */
  private static final Duration UNREACHABLE_AFTER = PING.multipliedBy(6);
  private static final Duration GONE = Duration.ofMinutes(10);

  private final InMemoryAgentRegistry registry = new InMemoryAgentRegistry();
  private final ManualMaster master = new ManualMaster(MasterConfig.builder().agentPingTimeout(PING)
      .maxAgentPingTimeouts(5).agentGoneTimeout(GONE).agentReregisterTimeout(Duration.ofMinutes(2)).build(), registry);

  /** A serving master with one agent running one task of one framework. */
  private record Cluster(ManualMaster.Agent agent, ManualMaster.Scheduler scheduler) {}

  private Cluster serving() {
    master.recover(Map.of()).start();
    ManualMaster.Agent agent = master.agent("cpus:4;mem:4096");
    ManualMaster.Scheduler scheduler = master.scheduler(ManualMaster.framework("fw"));
    scheduler.launch(scheduler.outstanding().get(0), ManualMaster.task("t1", "cpus:1;mem:128"));
    agent.update(scheduler.id(), "t1", TaskState.TASK_RUNNING);
    return new Cluster(agent, scheduler);
  }

  @Test
  void anAgentIsPingedEveryPingTimeoutAndStaysWhileItAnswers() {
    Cluster c = serving();

    for (int i = 1; i <= 20; i++) {
      master.advance(PING);
      assertThat(c.agent().out.all(AgentEvent::hasPing)).hasSize(i);
      c.agent().pong();
    }

    assertThat(master.status(c.agent().id())).isEqualTo("ACTIVE");
    assertThat(c.scheduler().statuses("t1")).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_RUNNING);
  }

  @Test
  void anAgentThatStopsAnsweringIsUnreachableAfterMissingTheMaximumOfPings() {
    Cluster c = serving();
    String id = c.agent().id();

    master.advance(UNREACHABLE_AFTER.minus(MS));
    assertThat(master.status(id)).isEqualTo("ACTIVE");
    assertThat(c.agent().out.all(AgentEvent::hasPing)).hasSize(5);

    master.advance(MS);
    assertThat(master.status(id)).isEqualTo("UNREACHABLE");
    assertThat(c.scheduler().statuses("t1")).extracting(TaskStatus::getState)
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_UNREACHABLE);
    assertThat(c.scheduler().out.first(SchedulerEvent::hasFailure).getFailure().getAgentId()).isEqualTo(id);
    assertThat(c.agent().out.completed).as("its stream is cut").isTrue();
    assertThat(registry.load().get(id).state()).isEqualTo(AgentRecord.State.UNREACHABLE);
  }

  @Test
  void aPongResetsTheCountOfMissedPings() {
    Cluster c = serving();
    master.advance(PING.multipliedBy(5));
    c.agent().pong(); // four missed, then an answer

    master.advance(UNREACHABLE_AFTER.minus(MS));
    assertThat(master.status(c.agent().id())).isEqualTo("ACTIVE");
    master.advance(MS);
    assertThat(master.status(c.agent().id())).isEqualTo("UNREACHABLE");
  }

  @Test
  void aDisconnectedAgentIsUnreachableAfterTheSamePings() {
    Cluster c = serving();
    c.agent().hangUp();
    assertThat(master.status(c.agent().id())).isEqualTo("DISCONNECTED");

    master.advance(UNREACHABLE_AFTER.minus(MS));
    assertThat(master.status(c.agent().id())).isEqualTo("DISCONNECTED");
    master.advance(MS);
    assertThat(master.status(c.agent().id())).isEqualTo("UNREACHABLE");
  }

  @Test
  void anAgentUnreachablePastTheGoneTimeoutIsRemovedForGood() {
    Cluster c = serving();
    String id = c.agent().id();
    master.advance(UNREACHABLE_AFTER);
    assertThat(master.status(id)).isEqualTo("UNREACHABLE");

    // Checked every minute (a quarter of the gone timeout, at most a minute): gone at the first
    // check once the timeout is over.
    master.advance(GONE.minus(MS));
    assertThat(master.status(id)).isEqualTo("UNREACHABLE");
    master.advance(Duration.ofMinutes(1));
    assertThat(master.status(id)).isNull();
    assertThat(c.scheduler().statuses("t1")).extracting(TaskStatus::getState)
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_UNREACHABLE, TaskState.TASK_GONE);
    assertThat(registry.load().get(id).state()).isEqualTo(AgentRecord.State.GONE);
  }

  @Test
  void anAgentBackBeforeTheGoneTimeoutKeepsItsTasks() {
    Cluster c = serving();
    String id = c.agent().id();
    master.advance(UNREACHABLE_AFTER.plus(GONE).minus(Duration.ofMinutes(1)));

    ManualMaster.Agent back = master.agent(AgentCall.Register.newBuilder()
        .setAgentInfo(ManualMaster.agentInfo(id, "cpus:4;mem:4096"))
        .addTasks(io.corral.protocol.Task.newBuilder().setTaskId("t1").setFrameworkId(c.scheduler().id())
            .setAgentId(id).setState(TaskState.TASK_RUNNING)).build());
    for (int i = 0; i < 60; i++) {
      master.advance(PING);
      back.pong();
    }

    assertThat(master.status(id)).isEqualTo("ACTIVE");
    assertThat(c.scheduler().statuses("t1")).extracting(TaskStatus::getState)
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_UNREACHABLE, TaskState.TASK_RUNNING);
    assertThat(registry.load().get(id).state()).isEqualTo(AgentRecord.State.ADMITTED);
  }

  @Test
  void agentsOfTheRegistryNotBackWithinTheReregisterTimeoutAreUnreachable() {
    master.recover(Map.of("A1", new AgentRecord(AgentRecord.State.ADMITTED, 0L),
        "A2", new AgentRecord(AgentRecord.State.ADMITTED, 0L)));
    ManualMaster.Scheduler scheduler = master.scheduler(ManualMaster.framework("fw"));
    master.agent(AgentCall.Register.newBuilder().setAgentInfo(ManualMaster.agentInfo("A1", "cpus:1;mem:128")).build());

    master.advance(Duration.ofMinutes(2).minus(MS));
    assertThat(master.recovered()).isFalse();
    assertThat(scheduler.out.any(SchedulerEvent::hasFailure)).isFalse();

    master.advance(MS);
    assertThat(master.recovered()).isTrue();
    assertThat(scheduler.out.first(SchedulerEvent::hasFailure).getFailure().getAgentId()).isEqualTo("A2");
    assertThat(registry.load().get("A2").state()).isEqualTo(AgentRecord.State.UNREACHABLE);
  }

  @Test
  void recoveryEndsAsTheLastExpectedAgentComesBackAndItsTimerIsCalledOff() {
    master.recover(Map.of("A1", new AgentRecord(AgentRecord.State.ADMITTED, 0L)));
    assertThat(master.loop.scheduledCount()).isOne();

    master.agent(AgentCall.Register.newBuilder().setAgentInfo(ManualMaster.agentInfo("A1", "cpus:1;mem:128")).build());

    assertThat(master.recovered()).isTrue();
    assertThat(master.loop.scheduledCount()).isZero();
  }
}
