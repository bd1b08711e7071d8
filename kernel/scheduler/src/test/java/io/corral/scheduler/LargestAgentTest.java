package io.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import org.junit.jupiter.api.Test;

class LargestAgentTest {
  private final LargestAgent largest = new LargestAgent(Resources.parse("cpus:4;mem:4096;ports:[31000-31001]"));

  @Test
  void aRequestMayFitOnlyWhenNoResourceExceedsTheLargestAgent() {
    assertThat(largest.mayFit(ResourceRequest.of(4, 4096).withPorts(2))).isTrue();
    assertThat(largest.mayFit(ResourceRequest.of(4.001, 1))).isFalse();
    assertThat(largest.mayFit(ResourceRequest.of(1, 4097))).isFalse();
    assertThat(largest.mayFit(ResourceRequest.of(1, 1).withPorts(3))).isFalse();
    assertThat(largest.mayFit(ResourceRequest.of(1, 1).withDisk(1))).as("a resource no agent has").isFalse();
    assertThat(largest.mayFit(Resources.parse("cpus:1;ports:[31001-31001]"))).isTrue();
    assertThat(largest.mayFit(Resources.parse("cpus:1;ports:[32000-32000]"))).isFalse();
    assertThat(largest).hasToString("cpus:4;mem:4096;ports:[31000-31001]");
  }

  @Test
  void unknownFitsEverything() {
    assertThat(LargestAgent.UNKNOWN.isKnown()).isFalse();
    assertThat(LargestAgent.UNKNOWN.mayFit(ResourceRequest.of(1000, 1e9).withPorts(100))).isTrue();
    assertThat(LargestAgent.UNKNOWN).hasToString("unknown");
  }
}
