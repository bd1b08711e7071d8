package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.net.StreamConnection;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import org.junit.jupiter.api.Test;

/**
 * A call the master handles after its stream ended (gRPC delivers what arrived before a close from
 * this side, and the loop may be behind) binds nothing to the dead stream: no framework or agent
 * that nothing would ever disconnect (found by ProtocolFuzzIT: such frameworks held offers).
 */
class LateCallsTest {
  private final ManualMaster master = ManualMaster.serving();
  private final MasterCore core = master.core;

  @Test
  void aSubscribeOnAnEndedStreamLeavesNoFramework() {
    FakeStream<SchedulerEvent> out = new FakeStream<>();
    StreamConnection<SchedulerEvent> conn = new StreamConnection<>("scheduler", out, core::onSchedulerStreamClosed);
    conn.complete();
    core.onSchedulerCall(conn, SchedulerCall.newBuilder().setSubscribe(SchedulerCall.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setName("late").setRole("*"))).build());
    assertThat(master.frameworks()).isEmpty();
  }

  @Test
  void aTeardownSentJustBeforeTheStreamEndedStillRemovesTheFramework() {
    ManualMaster.Scheduler scheduler = master.scheduler(FrameworkInfo.newBuilder().setName("leaving").setRole("*")
        .setFailoverTimeout(3600).build());
    String id = scheduler.id();

    // The teardown waits in the loop's queue while the scheduler closes its stream.
    core.onSchedulerCall(scheduler.conn, SchedulerCall.newBuilder().setFrameworkId(id)
        .setTeardown(SchedulerCall.Teardown.getDefaultInstance()).build());
    scheduler.conn.complete();
    master.loop.runPending();

    assertThat(master.removed(id)).isTrue();
  }

  @Test
  void aRegisterOnAnEndedStreamLeavesNoAgent() {
    FakeStream<AgentEvent> out = new FakeStream<>();
    StreamConnection<AgentEvent> conn = new StreamConnection<>("agent", out, core::onAgentStreamClosed);
    conn.complete();
    core.onAgentCall(conn, AgentCall.newBuilder().setRegister(AgentCall.Register.newBuilder()
        .setAgentInfo(ManualMaster.agentInfo("", "cpus:1;mem:128"))).build());
    assertThat(master.agents()).isEmpty();
  }
}
