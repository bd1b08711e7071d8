package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.FetcherCounters;
import org.junit.jupiter.api.Test;

/**
 * An agent's pong carries its fetcher's counters for the master's /metrics and /state. Counters
 * beyond 2^63 - 1 (uint64 on the wire, negative in Java) are refused: Prometheus cannot serve a
 * negative counter, and the long fuzz run made /metrics answer 500 with one.
 */
class AgentPongTest {
  private final ManualMaster master = ManualMaster.serving();

  private FetcherCounters countersOfTheOnlyAgent() {
    return master.query(v -> v.agentEntries().iterator().next().fetcherCounters());
  }

  @Test
  void countersOutOfRangeAreRefusedAndTheLastGoodOnesKept() {
    ManualMaster.Agent agent = master.agent("cpus:1;mem:128");

    FetcherCounters good = FetcherCounters.newBuilder().setFetched(3).setCacheHits(1).setBytesDownloaded(4096).build();
    agent.call(AgentCall.newBuilder().setPong(AgentCall.Pong.newBuilder().setSeq(1).setFetcher(good)));
    assertThat(countersOfTheOnlyAgent()).isEqualTo(good);

    FetcherCounters wrapped = FetcherCounters.newBuilder().setFetched(4).setBytesDownloaded(-7574).build();
    agent.call(AgentCall.newBuilder().setPong(AgentCall.Pong.newBuilder().setSeq(2).setFetcher(wrapped)));
    AgentEvent error = agent.out.first(AgentEvent::hasError);
    assertThat(error.getError().getMessage()).contains("fetcher counters out of range");
    assertThat(countersOfTheOnlyAgent()).isEqualTo(good);
    assertThat(master.agents()).hasSize(1);
  }
}
