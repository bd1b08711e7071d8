package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.master.MasterConfig;
import io.corral.master.registry.AgentRecord;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A newly elected master and the frameworks it learns of only from agents' re-registration:
 * their failover timeouts run from the election, a scheduler that comes back gets its tasks, and
 * reconciliation answers (including for agents still expected back, unreachable or gone). The
 * master runs on a manual loop: its timeouts are checked to the millisecond, in no real time.
 */
class FailoverAfterElectionTest {
  private static final Duration MS = Duration.ofMillis(1);
  private ManualMaster master;

  /** Elected at {@link ManualMaster#START}, with these agents in its registry. */
  private void elected(Duration reregisterTimeout, Map<String, AgentRecord.State> registry) {
    master = new ManualMaster(MasterConfig.builder().agentReregisterTimeout(reregisterTimeout).build())
        .recover(registry.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
            e -> new AgentRecord(e.getValue(), ManualMaster.START.toEpochMilli()))));
  }

  private static FrameworkInfo framework(String id, double failoverSeconds) {
    return FrameworkInfo.newBuilder().setId(id).setName("fw").setRole("*").setFailoverTimeout(failoverSeconds).build();
  }

  /** An agent re-registers with running tasks of {@code fw}. */
  private ManualMaster.Agent agentBack(String agentId, FrameworkInfo fw, String... tasks) {
    AgentCall.Register.Builder reg = AgentCall.Register.newBuilder()
        .setAgentInfo(ManualMaster.agentInfo(agentId, "cpus:4;mem:4096")).addFrameworks(fw);
    for (String t : tasks) {
      reg.addTasks(Task.newBuilder().setTaskId(t).setFrameworkId(fw.getId()).setAgentId(agentId)
          .setState(TaskState.TASK_RUNNING).addAllResources(Resources.parse("cpus:0.1;mem:32").toProto()));
    }
    ManualMaster.Agent agent = master.agent(reg.build());
    assertThat(agent.out.any(AgentEvent::hasRegistered)).isTrue();
    return agent;
  }

  private static SchedulerCall.Builder reconcile(String... taskAndAgentIds) {
    SchedulerCall.Reconcile.Builder r = SchedulerCall.Reconcile.newBuilder();
    for (int i = 0; i < taskAndAgentIds.length; i += 2) {
      r.addTasks(SchedulerCall.Reconcile.Task.newBuilder().setTaskId(taskAndAgentIds[i])
          .setAgentId(taskAndAgentIds[i + 1]));
    }
    return SchedulerCall.newBuilder().setReconcile(r);
  }

  private boolean known(String frameworkId) {
    return master.query(v -> v.framework(frameworkId)).isPresent();
  }

  private boolean removed(String frameworkId) {
    return master.removed(frameworkId);
  }

  @Test
  void aRecoveredFrameworkWithoutSchedulerIsRemovedAtItsTimeoutCountedFromTheElection() {
    elected(Duration.ofMillis(300), Map.of("A1", AgentRecord.State.ADMITTED));
    master.advance(Duration.ofSeconds(1));
    ManualMaster.Agent agent = agentBack("A1", framework("F1", 1.5), "t1");
    assertThat(known("F1")).as("kept, disconnected, for its scheduler").isTrue();

    // From the election: 1.5 s; from the agent's re-registration it would be 2.5 s.
    master.advance(Duration.ofMillis(500).minus(MS));
    assertThat(known("F1")).isTrue();
    master.advance(MS);
    assertThat(removed("F1")).isTrue();
    assertThat(master.elapsed()).isEqualTo(Duration.ofMillis(1500));
    assertThat(known("F1")).isFalse();
    assertThat(agent.out.any(e -> e.hasShutdownFramework()
        && e.getShutdownFramework().getFrameworkId().equals("F1"))).isTrue();
  }

  @Test
  void aFailoverTimeoutOfZeroStillGetsTheReregisterTimeoutToFindTheNewLeader() {
    elected(Duration.ofSeconds(1), Map.of("A1", AgentRecord.State.ADMITTED));
    agentBack("A1", framework("F1", 0), "t1");

    master.advance(Duration.ofSeconds(1).minus(MS));
    assertThat(known("F1")).as("not removed by the master's own failover").isTrue();
    master.advance(MS);
    assertThat(removed("F1")).isTrue();
  }

  @Test
  void aSchedulerThatComesBackToTheNewMasterGetsItsTasksAndKeepsThem() {
    elected(Duration.ofMillis(300), Map.of("A1", AgentRecord.State.ADMITTED));
    ManualMaster.Agent agent = agentBack("A1", framework("F1", 1), "t1", "t2");
    ManualMaster.Scheduler s = master.scheduler(framework("F1", 1));
    SchedulerEvent.Subscribed sub = s.out.first(SchedulerEvent::hasSubscribed).getSubscribed();
    assertThat(sub.getFrameworkId()).isEqualTo("F1");
    assertThat(sub.getResubscribed()).isTrue();
    // The agents are told at once, so they resend the framework's pending updates now.
    assertThat(agent.out.any(e -> e.hasUpdateFramework()
        && e.getUpdateFramework().getFramework().getId().equals("F1"))).isTrue();

    s.call(SchedulerCall.newBuilder().setReconcile(SchedulerCall.Reconcile.getDefaultInstance()));
    assertThat(s.statuses("t1")).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_RUNNING);
    assertThat(s.statuses("t2")).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_RUNNING);
    s.call(reconcile("made-up", "A1"));
    assertThat(s.statuses("made-up")).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_UNKNOWN);

    master.advance(Duration.ofMinutes(1)); // far past the failover timeout: the subscription cancelled it
    assertThat(known("F1")).isTrue();
    List<Task> tasks = master.query(v -> v.tasks("F1"));
    assertThat(tasks).hasSize(2);
  }

  @Test
  void reconcilingATaskWithoutItsAgentWaitsUntilTheExpectedAgentsAreBack() {
    elected(Duration.ofSeconds(30), Map.of("A1", AgentRecord.State.ADMITTED, "A2", AgentRecord.State.ADMITTED));
    agentBack("A1", framework("F1", 60), "t1");
    ManualMaster.Scheduler s = master.scheduler(framework("F1", 60));
    s.call(reconcile("t1", "", "t2", "", "t2", "A2"));
    assertThat(s.statuses("t1")).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_RUNNING);
    assertThat(s.statuses("t2")).as("no TASK_UNKNOWN while A2 may still come back with it").isEmpty();

    agentBack("A2", framework("F1", 60), "t2");
    assertThat(s.statuses("t2")).extracting(TaskStatus::getState)
        .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_RUNNING);
  }

  @Test
  void reconciliationAnswersUnreachableGoneAndUnknown() {
    elected(Duration.ofSeconds(30), Map.of("A1", AgentRecord.State.ADMITTED, "A2", AgentRecord.State.UNREACHABLE,
        "A3", AgentRecord.State.GONE));
    agentBack("A1", framework("F1", 60), "t1");
    ManualMaster.Scheduler s = master.scheduler(framework("F1", 60));
    s.call(reconcile("t1", "A1", "on-a1", "A1", "on-a2", "A2", "on-a3", "A3", "nowhere", "", "on-a9", "A9"));
    Map<String, TaskState> expected = Map.of("t1", TaskState.TASK_RUNNING, "on-a1", TaskState.TASK_UNKNOWN,
        "on-a2", TaskState.TASK_UNREACHABLE, "on-a3", TaskState.TASK_GONE, "nowhere", TaskState.TASK_UNKNOWN,
        "on-a9", TaskState.TASK_UNKNOWN);
    expected.forEach((task, state) ->
        assertThat(s.statuses(task)).as(task).extracting(TaskStatus::getState).containsExactly(state));
    assertThat(s.statuses("t1").get(0).getReason()).isEqualTo(io.corral.protocol.TaskStatusReason.REASON_RECONCILIATION);
    assertThat(known("F1")).isTrue();
  }
}
