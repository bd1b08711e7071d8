package io.corral.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents sharing a machine split it, but each offers at least a whole cpu by default: 3 agents on
 * 2 cores offered 0.66 cpus each, which no task of one cpu (Hadoop's AM and containers) ever fits.
 */
class AgentShareTest {
  private static final Resources TWO_CORES = Resources.parse("cpus:2;mem:7800;disk:30000;ports:[31000-32000]");

  @Test
  void threeAgentsOnTwoCoresOfferOneCpuEachAndAThirdOfTheRest() {
    for (int i = 0; i < 3; i++) {
      Resources r = LocalCluster.share(i, 3, TWO_CORES, 1);
      assertThat(r.scalarsOnly()).isEqualTo(Resources.parse("cpus:1;mem:2600;disk:10000"));
      assertThat(r.ports().size()).isEqualTo(333);
    }
    assertThat(LocalCluster.share(0, 3, TWO_CORES, 0).cpus()).as("without a minimum").isEqualTo(0.66);
    assertThat(LocalCluster.share(0, 3, Resources.parse("cpus:16;mem:3000"), 1).cpus()).as("a share above it")
        .isEqualTo(5.33);
    assertThat(LocalCluster.share(2, 3, TWO_CORES, 2).cpus()).as("corral demo's minimum").isEqualTo(2.0);
  }

  @Test
  void aClusterWithoutGivenResourcesGivesEveryAgentAtLeastOneCpu(@TempDir Path dir) {
    int agents = Runtime.getRuntime().availableProcessors() + 1; // fewer cores than agents, on any machine
    LocalCluster cluster = LocalCluster.builder(dir).agents(agents).build();
    for (int i = 0; i < agents; i++) {
      assertThat(cluster.agentResources(i).cpus()).isEqualTo(1.0);
    }
    assertThat(LocalCluster.builder(dir).agents(agents).minAgentCpus(0).build().agentResources(0).cpus())
        .isLessThan(1.0);
  }
}
