package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.net.Grpc;
import io.corral.common.net.StreamConnection;
import io.corral.master.MasterConfig;
import io.corral.master.registry.InMemoryAgentRegistry;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A leading master whose lease lapsed (ZooKeeper out of reach: another master may be elected before
 * this one learns that its session expired) binds no new framework or agent: their streams end as a
 * standby ends them ({@code UNAVAILABLE}, not the leader), so clients look for the leader again;
 * with the lease back, they subscribe.
 */
class LeaseFencingTest {
  private final AtomicBoolean lease = new AtomicBoolean(true);
  private final ManualMaster master =
      new ManualMaster(MasterConfig.builder().build(), new InMemoryAgentRegistry(), lease::get).recover(Map.of());

  @Test
  void aSubscriptionWithoutTheLeaseEndsTheStreamAsAStandbyWould() {
    lease.set(false);
    FakeStream<SchedulerEvent> out = subscribe();
    assertThat(master.frameworks()).isEmpty();
    assertThat(out.completed).isTrue();
    assertThat(Grpc.isNotLeader(out.error)).isTrue();

    lease.set(true);
    FakeStream<SchedulerEvent> again = subscribe();
    assertThat(master.frameworks()).hasSize(1);
    assertThat(again.completed).isFalse();
  }

  @Test
  void anAgentRegistrationWithoutTheLeaseEndsTheStreamAsAStandbyWould() {
    lease.set(false);
    FakeStream<AgentEvent> out = register();
    assertThat(master.agents()).isEmpty();
    assertThat(Grpc.isNotLeader(out.error)).isTrue();

    lease.set(true);
    register();
    assertThat(master.agents()).hasSize(1);
  }

  private FakeStream<SchedulerEvent> subscribe() {
    FakeStream<SchedulerEvent> out = new FakeStream<>();
    StreamConnection<SchedulerEvent> conn = new StreamConnection<>("scheduler", out, master.core::onSchedulerStreamClosed);
    master.core.onSchedulerCall(conn, SchedulerCall.newBuilder().setSubscribe(SchedulerCall.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setName("f").setRole("*"))).build());
    master.loop.runPending();
    return out;
  }

  private FakeStream<AgentEvent> register() {
    FakeStream<AgentEvent> out = new FakeStream<>();
    StreamConnection<AgentEvent> conn = new StreamConnection<>("agent", out, master.core::onAgentStreamClosed);
    master.core.onAgentCall(conn, AgentCall.newBuilder().setRegister(AgentCall.Register.newBuilder()
        .setAgentInfo(ManualMaster.agentInfo("", "cpus:1;mem:128"))).build());
    master.loop.runPending();
    return out;
  }
}
