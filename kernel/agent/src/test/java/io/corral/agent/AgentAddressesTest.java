package io.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.net.Advertisement;
import io.corral.common.resources.Resources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an agent advertises, and where its executors reach it. */
class AgentAddressesTest {
  @TempDir Path dir;

  private AgentConfig.Builder agent() {
    return AgentConfig.builder("m1:5050", dir).resources(Resources.parse("cpus:1;mem:256"));
  }

  @Test
  void executorsReachTheirAgentOnThisHostNeverThroughTheAdvertisedAddress() {
    AgentConfig nat = agent().bindHost("0.0.0.0").advertiseHost("gw.example.com").advertiseHttpPort(15081).build();
    assertThat(nat.advertiseHost()).isEqualTo("gw.example.com");
    assertThat(nat.advertiseHttpPort()).isEqualTo(15081);
    assertThat(nat.executorHost()).isEqualTo("127.0.0.1");
    assertThat(agent().bindHost("::").advertiseHost("a7").build().executorHost()).isEqualTo("127.0.0.1");
    assertThat(agent().bindHost("10.0.0.5").build().executorHost()).isEqualTo("10.0.0.5");
    assertThat(agent().build().executorHost()).isEqualTo("127.0.0.1"); // the library's default: loopback
  }

  @Test
  void aWildcardAddressIsNeverAdvertised() {
    AgentConfig everywhere = agent().bindHost("0.0.0.0").build();
    assertThat(Advertisement.isWildcard(everywhere.advertiseHost())).as(everywhere.advertiseHost()).isFalse();
    assertThatThrownBy(() -> agent().bindHost("0.0.0.0").advertiseHost("0.0.0.0").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot advertise the wildcard address");
  }
}
