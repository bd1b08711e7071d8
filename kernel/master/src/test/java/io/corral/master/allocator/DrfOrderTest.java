package io.corral.master.allocator;

import static io.corral.master.allocator.Fixtures.NO_FILTER;
import static io.corral.master.allocator.Fixtures.T0;
import static io.corral.master.allocator.Fixtures.allocator;
import static io.corral.master.allocator.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.corral.common.resources.Resources;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrfOrderTest {

  /**
   * Each framework launches one small task per offer and returns the rest; the cluster fills up
   * slice by slice, and the weighted DRF order decides who gets each slice.
   */
  private static Map<String, Integer> fillSliceBySlice(DrfAllocator allocator, Resources slice) {
    Map<String, Integer> slices = new HashMap<>();
    for (int round = 0; round < 10_000; round++) {
      List<Allocation> offers = allocator.allocate(T0);
      if (offers.isEmpty()) {
        return slices;
      }
      for (Allocation offer : offers) {
        if (offer.resources().all().contains(slice)) {
          slices.merge(offer.frameworkId(), 1, Integer::sum);
          allocator.recover(offer.frameworkId(), offer.agentId(),
              offer.resources().all().minus(slice), NO_FILTER, T0);
        } else {
          allocator.recover(offer.frameworkId(), offer.agentId(), offer.resources(),
              java.time.Duration.ofHours(1), T0);
        }
      }
    }
    throw new AssertionError("the cluster never filled up");
  }

  @Test
  void weightsOneAndThreeConvergeToAOneToThreeSplit() {
    DrfAllocator allocator = allocator();
    allocator.setWeight("analytics", 1);
    allocator.setWeight("serving", 3);
    for (int i = 0; i < 10; i++) {
      allocator.addAgent("agent-" + i, res("cpus:10;mem:40960"));
    }
    allocator.addFramework("batch", "analytics");
    allocator.addFramework("web", "serving");

    Map<String, Integer> slices = fillSliceBySlice(allocator, res("cpus:1;mem:1024"));

    // 100 slices: 25 for weight 1 and 75 for weight 3, up to the last slice's rounding.
    assertThat(slices.get("batch") + slices.get("web")).isEqualTo(100);
    assertThat(slices.get("batch")).isBetween(24, 26);
    assertThat(allocator.view().dominantShare("web") / allocator.view().dominantShare("batch"))
        .isCloseTo(3.0, within(0.2));
    assertThat(allocator.view().roleShares().get("analytics"))
        .isCloseTo(allocator.view().roleShares().get("serving"), within(0.011));
  }

  @Test
  void equalWeightsSplitEvenlyAndSharesFollowTheDominantResource() {
    DrfAllocator allocator = allocator();
    allocator.addAgent("a1", res("cpus:10;mem:1000"));
    allocator.addFramework("cpu-heavy", "*");
    allocator.addFramework("mem-heavy", "other");
    // Fill with one shape of task per framework: 1 cpu + 10 mem, or 0.1 cpu + 100 mem.
    Map<String, Resources> task =
        Map.of("cpu-heavy", res("cpus:1;mem:10"), "mem-heavy", res("cpus:0.1;mem:100"));
    for (int round = 0; round < 1000; round++) {
      List<Allocation> offers = allocator.allocate(T0);
      if (offers.isEmpty()) {
        break;
      }
      Allocation offer = offers.get(0);
      Resources t = task.get(offer.frameworkId());
      boolean fits = offer.resources().all().contains(t);
      allocator.recover(offer.frameworkId(), offer.agentId(),
          fits ? offer.resources().all().minus(t) : offer.resources().all(),
          fits ? NO_FILTER : java.time.Duration.ofHours(1), T0);
    }
    // DRF equalizes dominant shares: 9 tasks each, 90% of cpus for one and of mem for the other.
    assertThat(allocator.view().allocations("cpu-heavy").get("a1")).isEqualTo(res("cpus:9;mem:90"));
    assertThat(allocator.view().allocations("mem-heavy").get("a1")).isEqualTo(res("cpus:0.9;mem:900"));
    assertThat(allocator.view().dominantShare("cpu-heavy")).isCloseTo(0.9, within(1e-9));
    assertThat(allocator.view().dominantShare("mem-heavy")).isCloseTo(0.9, within(1e-9));
  }

  @Test
  void insideARoleTheLowestShareGoesFirstAndTiesGoByRegistration() {
    DrfAllocator allocator = allocator();
    for (int i = 0; i < 3; i++) {
      allocator.addAgent("a" + i, res("cpus:1;mem:1024"));
    }
    allocator.addAgent("big", res("cpus:4;mem:4096"));
    allocator.deactivateAgent("big");
    allocator.addFramework("f1", "*");
    allocator.addFramework("f2", "*");
    allocator.addFramework("f3", "*");
    // f1 already runs a task on the (deactivated) big agent: the highest share.
    allocator.addAllocation("f1", "big", res("cpus:1;mem:1024"));

    List<Allocation> offers = allocator.allocateAll(T0);

    // f2 and f3 (share 0) first, in registration order, then f1 with the lowest share by then.
    assertThat(offers).extracting(Allocation::frameworkId).containsExactly("f2", "f3", "f1");
  }

  @Test
  void rolesGoByWeightedShareThenByName() {
    DrfAllocator allocator = allocator();
    allocator.addAgent("a1", res("cpus:1;mem:1024"));
    allocator.addAgent("a2", res("cpus:1;mem:1024"));
    allocator.addFramework("registered-first", "zeta");
    allocator.addFramework("registered-second", "alpha");

    List<Allocation> offers = allocator.allocateAll(T0);

    assertThat(offers).extracting(Allocation::frameworkId)
        .containsExactly("registered-second", "registered-first");
  }

  @Test
  void sharesAreWeightedAndComputedOnScalarsOnly() {
    DrfAllocator allocator = allocator();
    allocator.addAgent("a1", res("cpus:8;mem:1000;ports:[1-100]"));
    allocator.addAgent("a2", res("cpus:2;mem:1000;ports:[1-100]"));
    allocator.addFramework("f", "r");
    allocator.setWeight("r", 2);
    allocator.addAllocation("f", "a1", res("cpus:2;mem:500;ports:[1-100]"));

    assertThat(allocator.view().totals()).isEqualTo(res("cpus:10;mem:2000"));
    assertThat(allocator.view().dominantShare("f")).isCloseTo(0.25, within(1e-12));
    assertThat(allocator.view().roleShares().get("r")).isCloseTo(0.125, within(1e-12));
    assertThat(allocator.view().weight("r")).isEqualTo(2.0);
    assertThat(allocator.view().weight("unset")).isEqualTo(1.0);

    // Totals change: shares follow (mem is now the dominant resource).
    allocator.removeAgent("a2");
    assertThat(allocator.view().dominantShare("f")).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void aWeightChangeReordersExistingRoles() {
    DrfAllocator allocator = allocator();
    allocator.addAgent("a1", res("cpus:10;mem:10000"));
    allocator.addAgent("a2", res("cpus:1;mem:1000"));
    allocator.deactivateAgent("a1");
    allocator.addFramework("fa", "a");
    allocator.addFramework("fb", "b");
    allocator.addAllocation("fa", "a1", res("cpus:2"));
    allocator.addAllocation("fb", "a1", res("cpus:3"));

    allocator.setWeight("b", 2); // b: 3/11/2 < a: 2/11

    assertThat(allocator.allocateAll(T0)).extracting(Allocation::frameworkId)
        .containsExactly("fb");
  }
}
