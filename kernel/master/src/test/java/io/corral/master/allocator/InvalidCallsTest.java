package io.corral.master.allocator;

import static io.corral.master.allocator.Fixtures.T0;
import static io.corral.master.allocator.Fixtures.allocator;
import static io.corral.master.allocator.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Invalid calls throw before they change anything. */
class InvalidCallsTest {
  private final DrfAllocator allocator = allocator();

  @BeforeEach
  void setUp() {
    allocator.addAgent("a1", res("cpus:4;mem:4096"));
    allocator.addFramework("f1", "*");
  }

  @Test
  void unknownIdsAreRejected() {
    assertThatThrownBy(() -> allocator.addAllocation("ghost", "a1", res("cpus:1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ghost");
    assertThatThrownBy(() -> allocator.addAllocation("f1", "ghost", res("cpus:1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> allocator.activateFramework("ghost"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> allocator.suppress("ghost"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> allocator.revive("ghost"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> allocator.deactivateAgent("ghost"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> allocator.updateAgentTotal("ghost", res("cpus:1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> allocator.view().free("ghost"))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(allocator.view().free("a1")).isEqualTo(res("cpus:4;mem:4096"));
    assertThat(allocator.view().allocated("f1")).isEqualTo(res(""));
    assertThat(allocator.allocate(T0)).hasSize(1);
  }

  @Test
  void duplicatesAreRejected() {
    assertThatThrownBy(() -> allocator.addAgent("a1", res("cpus:100")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> allocator.addFramework("f1", "other"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(allocator.view().totals()).isEqualTo(res("cpus:4;mem:4096"));
    assertThat(allocator.view().roleShares()).containsOnlyKeys("*");
  }

  @Test
  void weightsMustBePositiveAndFinite() {
    for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> allocator.setWeight("*", bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(allocator.view().weight("*")).isEqualTo(1.0);
    allocator.setWeight("*", 0.5);
    assertThat(allocator.view().weight("*")).isEqualTo(0.5);
  }

  @Test
  void blankAndNullArgumentsAreRejected() {
    assertThatThrownBy(() -> allocator.addAgent(" ", res("cpus:1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> allocator.addFramework("f2", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> allocator.addAgent("a2", (io.corral.common.resources.Resources) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> allocator.recover("f1", "a1", res("cpus:1"), null, T0))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> allocator.recover("f1", "a1", res("cpus:1"), Duration.ZERO, null))
        .isInstanceOf(NullPointerException.class);
    assertThat(allocator.view().totals()).isEqualTo(res("cpus:4;mem:4096"));
  }

  @Test
  void minimumAlternativesMustNotBeEmpty() {
    assertThatThrownBy(() -> MinAllocatable.parse("cpus:1|"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(MinAllocatable.parse(" ")).isEqualTo(MinAllocatable.ANY);
    assertThat(MinAllocatable.DEFAULT.toString()).isEqualTo("cpus:0.01|mem:32");
  }
}
