package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.Range;
import io.corral.protocol.Ranges;
import io.corral.protocol.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link AgentManager#validate(AgentInfo)}: what a REGISTER may carry. */
class AgentInfoValidationTest {

  private static AgentInfo.Builder info() {
    return AgentInfo.newBuilder()
        .setHostname("node-1.example.com")
        .setPort(5051)
        .addAllResources(Resources.parse("cpus:8;mem:16384;ports:[31000-32000]").toProto());
  }

  @Test
  void aTypicalAgentIsValid() {
    assertThat(AgentManager.validate(info().build())).isNull();
    assertThat(AgentManager.validate(info().setId("20250101-000000-abcd-S1").build())).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  "})
  void theHostnameIsRequired(String host) {
    assertThat(AgentManager.validate(info().setHostname(host).build())).isEqualTo("agent hostname is empty");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE})
  void thePortMustBeAPort(int port) {
    assertThat(AgentManager.validate(info().setPort(port).build())).isEqualTo("agent port out of range: " + port);
  }

  @Test
  void anAgentWithoutResourcesIsRefused() {
    assertThat(AgentManager.validate(info().clearResources().build())).isEqualTo("agent offers no resources");
    AgentInfo zeros = info().clearResources()
        .addResources(Resource.newBuilder().setName("cpus").setScalar(0)).build();
    assertThat(AgentManager.validate(zeros)).isEqualTo("agent offers no resources");
  }

  @Test
  void invalidResourcesAreRefused() {
    AgentInfo nan = info().addResources(Resource.newBuilder().setName("gpus").setScalar(Double.NaN)).build();
    assertThat(AgentManager.validate(nan)).startsWith("invalid agent resources");
    AgentInfo negative = info().clearResources()
        .addResources(Resource.newBuilder().setName("cpus").setScalar(-4)).build();
    assertThat(AgentManager.validate(negative)).startsWith("invalid agent resources").contains("negative");
    AgentInfo badName = info().addResources(Resource.newBuilder().setName("9lives").setScalar(1)).build();
    assertThat(AgentManager.validate(badName)).startsWith("invalid agent resources");
    AgentInfo inverted = info().addResources(Resource.newBuilder().setName("slots")
        .setRanges(Ranges.newBuilder().addRange(Range.newBuilder().setBegin(9).setEnd(3)))).build();
    assertThat(AgentManager.validate(inverted)).startsWith("invalid agent resources");
  }

  @Test
  void aGivenIdMustBeAValidId() {
    assertThat(AgentManager.validate(info().setId("a/b").build())).startsWith("agent id 'a/b'");
  }
}
