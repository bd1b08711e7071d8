package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.common.loop.EventLoop;
import io.corral.common.net.StreamConnection;
import io.corral.common.resources.Resources;
import io.corral.master.MasterConfig;
import io.corral.master.allocator.DrfAllocator;
import io.corral.master.registry.AgentRecord;
import io.corral.master.registry.InMemoryAgentRegistry;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A newly elected master and the frameworks it learns of only from agents' re-registration:
 * their failover timeouts run from the election, a scheduler that comes back gets its tasks, and
 * reconciliation answers (including for agents still expected back, unreachable or gone).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailoverAfterElectionTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final EventLoop loop = EventLoop.threaded("test-master");
  private MasterCore core;

  @AfterEach
  void close() {
    loop.close();
  }

  private void elected(Duration reregisterTimeout, Map<String, AgentRecord.State> registry) {
    MasterConfig config = MasterConfig.builder().agentReregisterTimeout(reregisterTimeout).build();
    core = new MasterCore(config, MasterInfo.newBuilder().setId("M2").setHost("localhost").setPort(5050).build(),
        loop, Clock.systemUTC(), new DrfAllocator(new Random(1)), new InMemoryAgentRegistry(), () -> true);
    long now = System.currentTimeMillis();
    core.recover(Map.copyOf(registry.entrySet().stream().collect(java.util.stream.Collectors.toMap(
        Map.Entry::getKey, e -> new AgentRecord(e.getValue(), now)))), () -> { });
  }

  private static FrameworkInfo framework(String id, double failoverSeconds) {
    return FrameworkInfo.newBuilder().setId(id).setName("fw").setRole("*").setFailoverTimeout(failoverSeconds).build();
  }

  /** An agent re-registers with running tasks of {@code fw}; returns what the master sends it. */
  private FakeStream<AgentEvent> agentBack(String agentId, FrameworkInfo fw, String... tasks) {
    FakeStream<AgentEvent> out = new FakeStream<>();
    StreamConnection<AgentEvent> conn = new StreamConnection<>("agent-" + agentId, out, core::onAgentStreamClosed);
    AgentCall.Register.Builder reg = AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder()
        .setId(agentId).setHostname("host-" + agentId).setPort(5051)
        .addAllResources(Resources.parse("cpus:4;mem:4096").toProto()));
    reg.addFrameworks(fw);
    for (String t : tasks) {
      reg.addTasks(Task.newBuilder().setTaskId(t).setFrameworkId(fw.getId()).setAgentId(agentId)
          .setState(TaskState.TASK_RUNNING).addAllResources(Resources.parse("cpus:0.1;mem:32").toProto()));
    }
    core.onAgentCall(conn, AgentCall.newBuilder().setRegister(reg).build());
    out.await(AgentEvent::hasRegistered, WAIT);
    return out;
  }

  private record Scheduler(FakeStream<SchedulerEvent> out, StreamConnection<SchedulerEvent> conn) {
    void call(MasterCore core, SchedulerCall.Builder call) {
      core.onSchedulerCall(conn, call.build());
    }

    TaskStatus awaitStatus(String taskId) {
      SchedulerEvent e = out.await(ev -> ev.hasUpdate() && ev.getUpdate().getStatusesList().stream()
          .anyMatch(s -> s.getTaskId().equals(taskId)), WAIT);
      return e.getUpdate().getStatusesList().stream().filter(s -> s.getTaskId().equals(taskId)).findFirst()
          .orElseThrow();
    }

    boolean heardOf(String taskId) {
      return out.any(ev -> ev.hasUpdate() && ev.getUpdate().getStatusesList().stream()
          .anyMatch(s -> s.getTaskId().equals(taskId)));
    }
  }

  private Scheduler subscribe(FrameworkInfo info) {
    FakeStream<SchedulerEvent> out = new FakeStream<>();
    StreamConnection<SchedulerEvent> conn = new StreamConnection<>("scheduler", out, core::onSchedulerStreamClosed);
    core.onSchedulerCall(conn, SchedulerCall.newBuilder()
        .setSubscribe(SchedulerCall.Subscribe.newBuilder().setFrameworkInfo(info)).build());
    out.await(e -> e.hasSubscribed() || e.hasError(), WAIT);
    return new Scheduler(out, conn);
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
    return core.query(v -> v.framework(frameworkId)).join().isPresent();
  }

  private boolean removed(String frameworkId) {
    return core.query(v -> v.isRemoved(frameworkId)).join();
  }

  @Test
  void aRecoveredFrameworkWithoutSchedulerIsRemovedAtItsTimeoutCountedFromTheElection() throws Exception {
    long elected = System.nanoTime();
    elected(Duration.ofMillis(300), Map.of("A1", AgentRecord.State.ADMITTED));
    Thread.sleep(1000);
    FakeStream<AgentEvent> agent = agentBack("A1", framework("F1", 1.5), "t1");
    assertThat(known("F1")).as("kept, disconnected, for its scheduler").isTrue();

    await().atMost(WAIT).until(() -> removed("F1"));
    double after = (System.nanoTime() - elected) / 1e9;
    // From the election: 1.5 s; from the agent's re-registration it would be 2.5 s.
    assertThat(after).isBetween(1.4, 2.3);
    assertThat(known("F1")).isFalse();
    assertThat(agent.any(e -> e.hasShutdownFramework()
        && e.getShutdownFramework().getFrameworkId().equals("F1"))).isTrue();
  }

  @Test
  void aFailoverTimeoutOfZeroStillGetsTheReregisterTimeoutToFindTheNewLeader() throws Exception {
    long elected = System.nanoTime();
    elected(Duration.ofSeconds(1), Map.of("A1", AgentRecord.State.ADMITTED));
    agentBack("A1", framework("F1", 0), "t1");
    Thread.sleep(300);
    assertThat(known("F1")).as("not removed by the master's own failover").isTrue();
    await().atMost(WAIT).until(() -> removed("F1"));
    assertThat((System.nanoTime() - elected) / 1e9).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void aSchedulerThatComesBackToTheNewMasterGetsItsTasksAndKeepsThem() throws Exception {
    elected(Duration.ofMillis(300), Map.of("A1", AgentRecord.State.ADMITTED));
    FakeStream<AgentEvent> agent = agentBack("A1", framework("F1", 1), "t1", "t2");
    Scheduler s = subscribe(framework("F1", 1));
    SchedulerEvent.Subscribed sub = s.out().await(SchedulerEvent::hasSubscribed, WAIT).getSubscribed();
    assertThat(sub.getFrameworkId()).isEqualTo("F1");
    assertThat(sub.getResubscribed()).isTrue();
    // The agents are told at once, so they resend the framework's pending updates now.
    agent.await(e -> e.hasUpdateFramework() && e.getUpdateFramework().getFramework().getId().equals("F1"), WAIT);

    s.call(core, SchedulerCall.newBuilder().setReconcile(SchedulerCall.Reconcile.getDefaultInstance()));
    assertThat(s.awaitStatus("t1").getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(s.awaitStatus("t2").getState()).isEqualTo(TaskState.TASK_RUNNING);
    s.call(core, reconcile("made-up", "A1"));
    assertThat(s.awaitStatus("made-up").getState()).isEqualTo(TaskState.TASK_UNKNOWN);

    Thread.sleep(1500); // past the failover timeout: the timer was cancelled by the subscription
    assertThat(known("F1")).isTrue();
    assertThat(core.query(v -> v.tasks("F1").size()).join()).isEqualTo(2);
  }

  @Test
  void reconcilingATaskWithoutItsAgentWaitsUntilTheExpectedAgentsAreBack() {
    elected(Duration.ofSeconds(30), Map.of("A1", AgentRecord.State.ADMITTED, "A2", AgentRecord.State.ADMITTED));
    agentBack("A1", framework("F1", 60), "t1");
    Scheduler s = subscribe(framework("F1", 60));
    s.call(core, reconcile("t1", "", "t2", "", "t2", "A2"));
    assertThat(s.awaitStatus("t1").getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(s.heardOf("t2")).as("no TASK_UNKNOWN while A2 may still come back with it").isFalse();

    agentBack("A2", framework("F1", 60), "t2");
    await().atMost(WAIT).until(() -> s.out().sent.stream().filter(SchedulerEvent::hasUpdate)
        .flatMap(e -> e.getUpdate().getStatusesList().stream()).filter(st -> st.getTaskId().equals("t2"))
        .count() == 2);
    assertThat(s.out().sent.stream().filter(SchedulerEvent::hasUpdate)
        .flatMap(e -> e.getUpdate().getStatusesList().stream()).filter(st -> st.getTaskId().equals("t2")))
        .allSatisfy(st -> assertThat(st.getState()).isEqualTo(TaskState.TASK_RUNNING));
  }

  @Test
  void reconciliationAnswersUnreachableGoneAndUnknown() {
    elected(Duration.ofSeconds(30), Map.of("A1", AgentRecord.State.ADMITTED, "A2", AgentRecord.State.UNREACHABLE,
        "A3", AgentRecord.State.GONE));
    agentBack("A1", framework("F1", 60), "t1");
    Scheduler s = subscribe(framework("F1", 60));
    s.call(core, reconcile("t1", "A1", "on-a1", "A1", "on-a2", "A2", "on-a3", "A3", "nowhere", "", "on-a9", "A9"));
    Map<String, TaskState> expected = Map.of("t1", TaskState.TASK_RUNNING, "on-a1", TaskState.TASK_UNKNOWN,
        "on-a2", TaskState.TASK_UNREACHABLE, "on-a3", TaskState.TASK_GONE, "nowhere", TaskState.TASK_UNKNOWN,
        "on-a9", TaskState.TASK_UNKNOWN);
    expected.forEach((task, state) -> assertThat(s.awaitStatus(task).getState()).as(task).isEqualTo(state));
    Optional<TaskStatus> any = s.out().sent.stream().filter(SchedulerEvent::hasUpdate)
        .flatMap(e -> e.getUpdate().getStatusesList().stream()).findFirst();
    assertThat(any.orElseThrow().getReason()).isEqualTo(io.corral.protocol.TaskStatusReason.REASON_RECONCILIATION);
    assertThat(List.of(known("F1"))).containsExactly(true);
  }
}
