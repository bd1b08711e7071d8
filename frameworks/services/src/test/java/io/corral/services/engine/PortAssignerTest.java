package io.corral.services.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.RangeSet;
import io.corral.services.app.PortDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortAssignerTest {
  private static final RangeSet OFFERED = RangeSet.parse("[31000-31002,32000-32000]");

  @Test
  void anyPortsAreTheLowestFree() {
    assertThat(PortAssigner.assign(List.of(PortDefinition.any(), PortDefinition.any()), false, OFFERED))
        .containsExactly(31000, 31001);
  }

  @Test
  void declaredNumbersWithoutRequirePortsAreAnyPorts() {
    assertThat(PortAssigner.assign(List.of(PortDefinition.of(8080)), false, OFFERED)).containsExactly(31000);
  }

  @Test
  void requiredPortsMustBeOfferedThemselves() {
    assertThat(PortAssigner.assign(List.of(PortDefinition.of(32000), PortDefinition.any()), true, OFFERED))
        .containsExactly(32000, 31000);
    assertThat(PortAssigner.assign(List.of(PortDefinition.of(8080)), true, OFFERED)).isNull();
    assertThat(PortAssigner.assign(List.of(PortDefinition.of(32000), PortDefinition.of(32000)), true, OFFERED))
        .as("the same port twice").isNull();
  }

  @Test
  void tooFewPortsOfferedIsNoFit() {
    assertThat(PortAssigner.assign(List.of(PortDefinition.any(), PortDefinition.any()), false,
        RangeSet.parse("[31000-31000]"))).isNull();
    assertThat(PortAssigner.assign(List.of(PortDefinition.any()), false, RangeSet.EMPTY)).isNull();
    assertThat(PortAssigner.assign(List.of(), false, RangeSet.EMPTY)).isEmpty();
  }
}
