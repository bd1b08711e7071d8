package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.EventLoop;
import io.corral.common.net.StreamConnection;
import io.corral.common.resources.Resources;
import io.corral.master.MasterConfig;
import io.corral.master.allocator.DrfAllocator;
import io.corral.master.allocator.MinAllocatable;
import io.corral.master.registry.AgentRecord;
import io.corral.master.registry.AgentRegistry;
import io.corral.master.registry.InMemoryAgentRegistry;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.MasterInfo;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A new leader serves from the moment it opens, while it is still reading its registry: calls
 * that arrive meanwhile wait on the loop, and must find the registry in place when they run.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecoveryOrderTest {
  private static final String AGENT = "20250101-000000-abcd-A1";

  private final EventLoop loop = EventLoop.threaded("test-master");

  @AfterEach
  void stop() {
    loop.close();
  }

  @Test
  void anAgentQueuedDuringTheRegistryReadReRegistersWithoutARegistryWrite() throws Exception {
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
    MasterCore core = new MasterCore(MasterConfig.builder().build(), MasterInfo.newBuilder().setId("m").build(),
        loop, Clock.systemUTC(), new DrfAllocator(new Random(1), MinAllocatable.DEFAULT), registry, () -> true);
    Recording out = new Recording();
    StreamConnection<AgentEvent> conn = new StreamConnection<>("127.0.0.1:1", out, (c, t) -> { });
    AgentCall register = AgentCall.newBuilder().setRegister(AgentCall.Register.newBuilder().setAgentInfo(
        AgentInfo.newBuilder().setId(AGENT).setHostname("node-1").setPort(5051)
            .addAllResources(Resources.parse("cpus:4;mem:4096").toProto()))).build();
    CompletableFuture<Void> recovered = new CompletableFuture<>();

    // As Master does on election, on the loop: the agent's call arrives (and is queued) while the
    // registry is read, then recovery starts.
    loop.submit(() -> {
      core.onAgentCall(conn, register);
      core.recover(Map.of(AGENT, new AgentRecord(AgentRecord.State.ADMITTED, 0L)), () -> recovered.complete(null));
      return null;
    }).get();

    recovered.get(10, TimeUnit.SECONDS);
    assertThat(writes).hasValue(0);
    assertThat(out.sent).anyMatch(AgentEvent::hasRegistered);
    assertThat(core.query(v -> v.agents().size()).get()).isEqualTo(1);
  }

  /** The master's end of a stream, keeping what is sent. */
  private static final class Recording extends ServerCallStreamObserver<AgentEvent> {
    final List<AgentEvent> sent = new CopyOnWriteArrayList<>();

    @Override
    public void onNext(AgentEvent value) {
      sent.add(value);
    }

    @Override
    public void onError(Throwable t) { }

    @Override
    public void onCompleted() { }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public void setOnCancelHandler(Runnable onCancelHandler) { }

    @Override
    public void setCompression(String compression) { }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setOnReadyHandler(Runnable onReadyHandler) { }

    @Override
    public void disableAutoInboundFlowControl() { }

    @Override
    public void request(int count) { }

    @Override
    public void setMessageCompression(boolean enable) { }
  }
}
