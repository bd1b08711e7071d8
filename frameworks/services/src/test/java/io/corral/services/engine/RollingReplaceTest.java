package io.corral.services.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.services.app.UpgradeStrategy;
import io.corral.services.engine.RollingReplace.Bounds;
import org.junit.jupiter.api.Test;

class RollingReplaceTest {
  @Test
  void boundsAreMarathons() {
    assertThat(Bounds.of(4, new UpgradeStrategy(0.5, 0))).isEqualTo(new Bounds(2, 4));
    assertThat(Bounds.of(3, new UpgradeStrategy(0.5, 0.2))).isEqualTo(new Bounds(2, 3));
    assertThat(Bounds.of(10, new UpgradeStrategy(0.5, 0.2))).isEqualTo(new Bounds(5, 12));
    assertThat(Bounds.of(10, new UpgradeStrategy(1, 1))).isEqualTo(new Bounds(10, 20));
    assertThat(Bounds.of(3, new UpgradeStrategy(1, 0))).as("one over, or nothing could start").isEqualTo(new Bounds(3, 4));
    assertThat(Bounds.of(10, new UpgradeStrategy(0.7, 0))).as("no floating-point surprise").isEqualTo(new Bounds(7, 10));
    assertThat(Bounds.of(0, new UpgradeStrategy(1, 1))).isEqualTo(new Bounds(0, 1));
  }
}
