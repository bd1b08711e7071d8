package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.EventLoop;
import io.corral.common.net.StreamConnection;
import io.corral.common.resources.Resources;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.FetcherCounters;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An agent's pong carries its fetcher's counters for the master's /metrics and /state. Counters
 * beyond 2^63 - 1 (uint64 on the wire, negative in Java) are refused: Prometheus cannot serve a
 * negative counter, and the long fuzz run made /metrics answer 500 with one.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AgentPongTest {
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

  private FetcherCounters countersOfTheOnlyAgent() {
    return core.query(v -> v.agentEntries().iterator().next().fetcherCounters()).join();
  }

  @Test
  void countersOutOfRangeAreRefusedAndTheLastGoodOnesKept() {
    FakeStream<AgentEvent> out = new FakeStream<>();
    StreamConnection<AgentEvent> conn = new StreamConnection<>("agent", out, core::onAgentStreamClosed);
    core.onAgentCall(conn, AgentCall.newBuilder().setRegister(AgentCall.Register.newBuilder().setAgentInfo(
        AgentInfo.newBuilder().setHostname("h").setPort(5051)
            .addAllResources(Resources.parse("cpus:1;mem:128").toProto()))).build());
    out.await(AgentEvent::hasRegistered, Duration.ofSeconds(10));

    FetcherCounters good = FetcherCounters.newBuilder().setFetched(3).setCacheHits(1).setBytesDownloaded(4096).build();
    core.onAgentCall(conn, AgentCall.newBuilder().setPong(AgentCall.Pong.newBuilder().setSeq(1).setFetcher(good)).build());
    assertThat(countersOfTheOnlyAgent()).isEqualTo(good);

    FetcherCounters wrapped = FetcherCounters.newBuilder().setFetched(4).setBytesDownloaded(-7574).build();
    core.onAgentCall(conn, AgentCall.newBuilder().setPong(AgentCall.Pong.newBuilder().setSeq(2).setFetcher(wrapped)).build());
    AgentEvent error = out.await(AgentEvent::hasError, Duration.ofSeconds(10));
    assertThat(error.getError().getMessage()).contains("fetcher counters out of range");
    assertThat(countersOfTheOnlyAgent()).isEqualTo(good);
    assertThat(core.query(v -> v.agentEntries().size()).join()).isEqualTo(1);
  }
}
