package io.corral.master.allocator;

import static io.corral.master.allocator.Fixtures.T0;
import static io.corral.master.allocator.Fixtures.pooled;
import static io.corral.master.allocator.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.resources.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A framework of several roles (Mesos' MULTI_ROLE): a client of each role, charged and offered per role. */
class MultiRoleAllocatorTest {
  private final DrfAllocator allocator = Fixtures.allocator();

  private void agents(int n, String spec) {
    for (int i = 1; i <= n; i++) {
      allocator.addAgent("a" + i, res(spec));
    }
  }

  /** How many allocations each framework got, per role: {"f1/a": 2, ...}. */
  private static Map<String, Integer> counts(List<Allocation> allocations) {
    Map<String, Integer> out = new TreeMap<>();
    allocations.forEach(a -> out.merge(a.frameworkId() + "/" + a.role(), 1, Integer::sum));
    return out;
  }

  @Test
  void eachRoleOfAFrameworkIsAClientOfThatRoleInTheDrfOrder() {
    agents(4, "cpus:2;mem:2048");
    allocator.addFramework("f1", List.of("a", "b"));
    allocator.addFramework("f2", "a");

    List<Allocation> out = allocator.allocate(T0);

    // Roles a and b share the cluster by DRF: two agents each. Inside a, f2 (holding nothing) goes
    // before f1's client of a once that holds an agent; f1's client of b has role b to itself.
    assertThat(counts(out)).isEqualTo(Map.of("f1/a", 1, "f1/b", 2, "f2/a", 1));
    assertThat(allocator.view().allocated("f1", "b")).isEqualTo(res("cpus:4;mem:4096"));
    assertThat(allocator.view().roleAllocation("a")).isEqualTo(res("cpus:4;mem:4096"));
    assertThat(allocator.view().allocated("f1")).isEqualTo(res("cpus:6;mem:6144"));
    assertThat(allocator.view().roles("f1")).containsExactly("a", "b");
    assertThat(allocator.view().dominantShare("f1")).isEqualTo(0.75);
  }

  @Test
  void eachRoleReachesItsOwnGuaranteeAndIsHeldToItsOwnLimit() {
    agents(8, "cpus:1;mem:1024");
    allocator.setQuota("a", res("cpus:2;mem:2048"), Resources.EMPTY);
    allocator.setQuota("b", res("cpus:5;mem:5120"), res("cpus:5;mem:5120"));
    allocator.addFramework("other", "c");
    allocator.addFramework("f1", List.of("a", "b"));

    allocator.allocate(T0);

    assertThat(allocator.view().allocated("f1", "a").scalarsOnly()).isEqualTo(res("cpus:2;mem:2048"));
    assertThat(allocator.view().allocated("f1", "b").scalarsOnly()).isEqualTo(res("cpus:5;mem:5120"));
    assertThat(allocator.view().allocated("other").scalarsOnly()).isEqualTo(res("cpus:1;mem:1024"));
    assertThat(allocator.view().lackingGuarantees()).isEmpty();

    // What b gives back goes to b again (below its guarantee now), not to the framework's other role.
    String agentOfB = allocator.view().allocations("f1").keySet().stream()
        .filter(id -> !allocator.view().allocation("f1", "b", id).isEmpty()).findFirst().orElseThrow();
    allocator.recover("f1", "b", agentOfB, allocator.view().allocation("f1", "b", agentOfB), Duration.ZERO, T0);
    assertThat(allocator.view().lackingGuarantees()).containsOnlyKeys("b");
    assertThat(allocator.allocate(T0)).singleElement().satisfies(a -> assertThat(a.role()).isEqualTo("b"));
    assertThat(allocator.view().allocated("f1", "b").scalarsOnly()).isEqualTo(res("cpus:5;mem:5120"));
  }

  @Test
  void suppressingOneRoleStopsItsOffersOnly() {
    agents(4, "cpus:2;mem:2048");
    allocator.addFramework("f1", List.of("a", "b"));
    allocator.suppress("f1", List.of("a"));

    assertThat(counts(allocator.allocate(T0))).isEqualTo(Map.of("f1/b", 4));

    for (int i = 1; i <= 4; i++) {
      allocator.recover("f1", "b", "a" + i, pooled("cpus:2;mem:2048"), Duration.ofHours(1), T0);
    }
    assertThat(allocator.allocate(T0)).isEmpty(); // b declined for an hour, a suppressed

    allocator.revive("f1", List.of("a"));
    assertThat(counts(allocator.allocate(T0))).isEqualTo(Map.of("f1/a", 4)); // b's filters stay
    allocator.revive("f1", List.of("b"));
    assertThat(allocator.view().filteredAgents("f1")).isZero();
  }

  @Test
  void aDeclineFiltersTheRoleOfTheOfferOnly() {
    agents(1, "cpus:2;mem:2048");
    allocator.addFramework("f1", List.of("a", "b"));
    Allocation first = allocator.allocate(T0).get(0);
    assertThat(first.role()).isEqualTo("a");

    allocator.recover("f1", "a", "a1", first.resources(), Duration.ofHours(1), T0);

    assertThat(allocator.allocate(T0)).singleElement().satisfies(a -> assertThat(a.role()).isEqualTo("b"));
  }

  @Test
  void aRoleTheFrameworkLeavesKeepsItsRunningTasksAllocationUntilTheyEnd() {
    agents(2, "cpus:2;mem:2048");
    allocator.addFramework("f1", List.of("a", "b"));
    allocator.addAllocation("f1", "a", "a1", pooled("cpus:1;mem:512")); // a running task of role a

    allocator.updateRoles("f1", List.of("b"));

    assertThat(allocator.view().allocated("f1", "a")).isEqualTo(res("cpus:1;mem:512"));
    assertThat(allocator.view().roleAllocation("a")).isEqualTo(res("cpus:1;mem:512"));
    assertThat(allocator.view().roles("f1")).containsExactly("a", "b");
    assertThat(allocator.allocate(T0)).allSatisfy(a -> assertThat(a.role()).isEqualTo("b"));

    allocator.recover("f1", "a", "a1", pooled("cpus:1;mem:512"), Duration.ofHours(1), T0); // the task ended

    assertThat(allocator.view().roles("f1")).containsExactly("b");
    assertThat(allocator.view().roleAllocation("a")).isEqualTo(Resources.EMPTY);
    assertThat(allocator.allocate(T0)).singleElement().satisfies(a -> {
      assertThat(a.role()).isEqualTo("b");
      assertThat(a.resources()).isEqualTo(pooled("cpus:1;mem:512"));
    });
  }

  @Test
  void aNewRoleGetsOffersAndARejoinedRoleTakesItsTasksBack() {
    agents(2, "cpus:2;mem:2048");
    allocator.addFramework("f1", "a");
    allocator.addAllocation("f1", "a", "a1", pooled("cpus:2;mem:2048"));
    allocator.updateRoles("f1", List.of("b"));
    allocator.updateRoles("f1", List.of("a", "b"));

    assertThat(allocator.view().allocated("f1", "a")).isEqualTo(res("cpus:2;mem:2048"));
    assertThat(counts(allocator.allocate(T0))).isEqualTo(Map.of("f1/b", 1));
  }

  @Test
  void tasksOfARoleTheFrameworkIsNotInCountThereWithoutOffers() {
    agents(1, "cpus:4;mem:4096");
    allocator.addFramework("f1", "b");
    allocator.addAllocation("f1", "a", "a1", pooled("cpus:1;mem:1024")); // reported by a re-registering agent

    assertThat(allocator.view().roleAllocation("a")).isEqualTo(res("cpus:1;mem:1024"));
    assertThat(allocator.allocate(T0)).singleElement().satisfies(a -> assertThat(a.role()).isEqualTo("b"));
  }

  @Test
  void rolesMustBeGivenOnceEach() {
    assertThatThrownBy(() -> allocator.addFramework("f1", List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> allocator.addFramework("f1", List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    allocator.addFramework("f1", "a");
    assertThatThrownBy(() -> allocator.updateRoles("f1", List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThat(allocator.view().roles("f1")).containsExactly("a");
  }

  @Test
  void removingAFrameworkFreesEveryRole() {
    agents(2, "cpus:2;mem:2048");
    allocator.addFramework("f1", List.of("a", "b"));
    allocator.allocate(T0);
    allocator.updateRoles("f1", List.of("b"));

    allocator.removeFramework("f1");

    assertThat(allocator.view().roleAllocation("a")).isEqualTo(Resources.EMPTY);
    assertThat(allocator.view().roleAllocation("b")).isEqualTo(Resources.EMPTY);
    assertThat(allocator.view().frameworkCount()).isZero();
    assertThat(allocator.view().free("a1")).isEqualTo(res("cpus:2;mem:2048"));
  }
}
