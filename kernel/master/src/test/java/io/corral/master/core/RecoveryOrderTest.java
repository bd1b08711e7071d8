package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.net.StreamConnection;
import io.corral.master.MasterConfig;
import io.corral.master.registry.AgentRecord;
import io.corral.master.registry.AgentRegistry;
import io.corral.master.registry.InMemoryAgentRegistry;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A new leader serves from the moment it opens, while it is still reading its registry: calls
 * that arrive meanwhile wait on the loop, and must find the registry in place when they run.
 */
class RecoveryOrderTest {
  private static final String AGENT = "20250101-000000-abcd-A1";

  @Test
  void anAgentQueuedDuringTheRegistryReadReRegistersWithoutARegistryWrite() {
    AtomicInteger writes = new AtomicInteger();
    InMemoryAgentRegistry records = new InMemoryAgentRegistry();
    AgentRegistry registry = new AgentRegistry() {
      @Override
      public Map<String, AgentRecord> load() {
        return records.load();
      }

      @Override
      public CompletableFuture<Void> put(String agentId, AgentRecord record) {
        writes.incrementAndGet();
        return records.put(agentId, record);
      }

      @Override
      public CompletableFuture<Void> remove(String agentId) {
        return records.remove(agentId);
      }
    };
    ManualMaster master = new ManualMaster(MasterConfig.builder().build(), registry);
    FakeStream<AgentEvent> out = new FakeStream<>();
    StreamConnection<AgentEvent> conn = new StreamConnection<>("127.0.0.1:1", out, (c, t) -> { });
    AgentCall register = AgentCall.newBuilder().setRegister(AgentCall.Register.newBuilder()
        .setAgentInfo(ManualMaster.agentInfo(AGENT, "cpus:4;mem:4096"))).build();

    // As Master does on election, on the loop: the agent's call arrives (and is queued) while the
    // registry is read, then recovery starts.
    AtomicBoolean recovered = new AtomicBoolean();
    master.loop.execute(() -> {
      master.core.onAgentCall(conn, register);
      master.core.recover(Map.of(AGENT, new AgentRecord(AgentRecord.State.ADMITTED, 0L)), () -> recovered.set(true));
    });
    master.loop.runPending();

    assertThat(recovered).isTrue();
    assertThat(writes).hasValue(0);
    assertThat(out.sent).anyMatch(AgentEvent::hasRegistered);
    assertThat(master.agents()).hasSize(1);
  }
}
