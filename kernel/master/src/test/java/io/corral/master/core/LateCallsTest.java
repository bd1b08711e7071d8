package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.EventLoop;
import io.corral.common.net.StreamConnection;
import io.corral.common.resources.Resources;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A call the master handles after its stream ended (gRPC delivers what arrived before a close from
 * this side, and the loop may be behind) binds nothing to the dead stream: no framework or agent
 * that nothing would ever disconnect (found by ProtocolFuzzIT: such frameworks held offers).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LateCallsTest {
  private final EventLoop loop = EventLoop.threaded("test-master");
  private MasterCore core;

  @BeforeEach
  void start() {
    core = StandaloneCores.serving(loop);
  }

  @AfterEach
  void close() {
    loop.close();
  }

  @Test
  void aSubscribeOnAnEndedStreamLeavesNoFramework() {
    FakeStream<SchedulerEvent> out = new FakeStream<>();
    StreamConnection<SchedulerEvent> conn = new StreamConnection<>("scheduler", out, core::onSchedulerStreamClosed);
    conn.complete();
    core.onSchedulerCall(conn, SchedulerCall.newBuilder().setSubscribe(SchedulerCall.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setName("late").setRole("*"))).build());
    assertThat(core.query(v -> v.frameworks().size()).join()).isZero();
  }

  @Test
  void aTeardownSentJustBeforeTheStreamEndedStillRemovesTheFramework() {
    FakeStream<SchedulerEvent> out = new FakeStream<>();
    StreamConnection<SchedulerEvent> conn = new StreamConnection<>("scheduler", out, core::onSchedulerStreamClosed);
    core.onSchedulerCall(conn, SchedulerCall.newBuilder().setSubscribe(SchedulerCall.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setName("leaving").setRole("*").setFailoverTimeout(3600)))
        .build());
    String id = out.await(SchedulerEvent::hasSubscribed, java.time.Duration.ofSeconds(10)).getSubscribed()
        .getFrameworkId();
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    loop.execute(() -> {
      try {
        held.await(); // the loop is busy: the teardown waits in its queue
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    core.onSchedulerCall(conn, SchedulerCall.newBuilder().setFrameworkId(id)
        .setTeardown(SchedulerCall.Teardown.getDefaultInstance()).build());
    conn.complete(); // the scheduler closed its stream before the master's loop got to the teardown
    held.countDown();
    assertThat(core.query(v -> v.isRemoved(id)).join()).isTrue();
  }

  @Test
  void aRegisterOnAnEndedStreamLeavesNoAgent() {
    FakeStream<AgentEvent> out = new FakeStream<>();
    StreamConnection<AgentEvent> conn = new StreamConnection<>("agent", out, core::onAgentStreamClosed);
    conn.complete();
    core.onAgentCall(conn, AgentCall.newBuilder().setRegister(AgentCall.Register.newBuilder().setAgentInfo(
        AgentInfo.newBuilder().setHostname("h").setPort(5051)
            .addAllResources(Resources.parse("cpus:1;mem:128").toProto()))).build());
    assertThat(core.query(v -> v.agentEntries().size()).join()).isZero();
  }
}
