package io.corral.master.allocator;

import static io.corral.master.allocator.Fixtures.NO_FILTER;
import static io.corral.master.allocator.Fixtures.T0;
import static io.corral.master.allocator.Fixtures.allocator;
import static io.corral.master.allocator.Fixtures.at;
import static io.corral.master.allocator.Fixtures.declineAll;
import static io.corral.master.allocator.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.corral.common.resources.Resources;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Suppression, activation, removal and the minimum allocatable amount. */
class LifecycleTest {
  private final DrfAllocator allocator = allocator();

  @Test
  void aSuppressedFrameworkGetsNothingUntilRevived() {
    allocator.addAgent("a1", res("cpus:2;mem:2048"));
    allocator.addFramework("f1", "*");
    allocator.suppress("f1");
    assertThat(allocator.allocate(T0)).isEmpty();

    allocator.revive("f1");

    assertThat(allocator.allocate(T0)).extracting(Allocation::frameworkId).containsExactly("f1");
  }

  @Test
  void suppressionSendsTheAgentToTheNextFramework() {
    allocator.addAgent("a1", res("cpus:2;mem:2048"));
    allocator.addFramework("f1", "*");
    allocator.addFramework("f2", "*");
    allocator.suppress("f1");
    assertThat(allocator.allocate(T0)).extracting(Allocation::frameworkId).containsExactly("f2");
  }

  @Test
  void aDeactivatedFrameworkGetsNothingButItsAllocationsStillCount() {
    allocator.addAgent("a1", res("cpus:4;mem:4096"));
    allocator.addAgent("a2", res("cpus:4;mem:4096"));
    allocator.addFramework("f1", "*");
    allocator.addAllocation("f1", "a1", res("cpus:2;mem:1024"));
    allocator.deactivateFramework("f1");

    assertThat(allocator.allocateAll(T0)).isEmpty();
    assertThat(allocator.view().dominantShare("f1")).isCloseTo(0.25, within(1e-12));
    assertThat(allocator.view().free("a1")).isEqualTo(res("cpus:2;mem:3072"));

    allocator.activateFramework("f1");
    assertThat(allocator.allocate(T0)).hasSize(2);
  }

  @Test
  void aDeactivatedAgentIsNeverOfferedButStillCounts() {
    allocator.addAgent("a1", res("cpus:4;mem:4096"));
    allocator.addAgent("a2", res("cpus:4;mem:4096"));
    allocator.addFramework("f1", "*");
    allocator.addAllocation("f1", "a2", res("cpus:1"));
    allocator.deactivateAgent("a2");

    assertThat(allocator.allocateAll(T0)).extracting(Allocation::agentId).containsExactly("a1");
    allocator.recover("f1", "a2", res("cpus:1"), NO_FILTER, T0);
    assertThat(allocator.allocate(T0)).isEmpty();
    assertThat(allocator.view().totals()).isEqualTo(res("cpus:8;mem:8192"));

    allocator.activateAgent("a2");
    assertThat(allocator.allocate(T0)).extracting(Allocation::agentId).containsExactly("a2");
  }

  @Test
  void leftoversBelowTheMinimumAreNotOffered() {
    allocator.addAgent("small", res("cpus:0.005;mem:31"));
    allocator.addAgent("cpu-only", res("cpus:0.01"));
    allocator.addAgent("mem-only", res("mem:32"));
    allocator.addAgent("ports-only", res("ports:[1-100]"));
    allocator.addFramework("f1", "*");

    assertThat(allocator.allocateAll(T0)).extracting(Allocation::agentId)
        .containsExactlyInAnyOrder("cpu-only", "mem-only");
  }

  @Test
  void theMinimumIsConfigurable() {
    DrfAllocator any = new DrfAllocator(new Random(1), MinAllocatable.ANY);
    any.addAgent("ports-only", res("ports:[1-100]"));
    any.addFramework("f1", "*");
    assertThat(any.allocateAll(T0)).hasSize(1);

    DrfAllocator strict =
        new DrfAllocator(new Random(1), MinAllocatable.parse("cpus:1;mem:512|gpus:1"));
    strict.addAgent("a", res("cpus:1;mem:256"));
    strict.addAgent("b", res("cpus:1;mem:512"));
    strict.addAgent("c", res("gpus:1"));
    strict.addFramework("f1", "*");
    assertThat(strict.allocateAll(T0)).extracting(Allocation::agentId)
        .containsExactlyInAnyOrder("b", "c");
  }

  @Test
  void removingAFrameworkFreesItsAllocations() {
    allocator.addAgent("a1", res("cpus:4;mem:4096"));
    allocator.addAgent("a2", res("cpus:4;mem:4096"));
    allocator.addFramework("f1", "*");
    allocator.addFramework("f2", "*");
    allocator.suppress("f2");
    assertThat(allocator.allocateAll(T0)).hasSize(2);
    assertThat(allocator.view().allocated("f1")).isEqualTo(res("cpus:8;mem:8192"));

    allocator.removeFramework("f1");
    allocator.revive("f2");

    assertThat(allocator.view().free("a1")).isEqualTo(res("cpus:4;mem:4096"));
    assertThat(allocator.allocate(T0)).extracting(Allocation::frameworkId)
        .containsExactly("f2", "f2");
    assertThat(allocator.view().dominantShares()).containsOnlyKeys("f2");
    assertThat(allocator.view().frameworkCount()).isEqualTo(1);
  }

  @Test
  void removingAnAgentForgetsItsAllocationsAndShrinksTheTotals() {
    allocator.addAgent("a1", res("cpus:4;mem:4096"));
    allocator.addAgent("a2", res("cpus:4;mem:4096"));
    allocator.addFramework("f1", "*");
    allocator.addAllocation("f1", "a1", res("cpus:4;mem:4096"));
    allocator.addAllocation("f1", "a2", res("cpus:1;mem:1024"));

    allocator.removeAgent("a1");

    assertThat(allocator.view().allocations("f1")).containsOnlyKeys("a2");
    assertThat(allocator.view().totals()).isEqualTo(res("cpus:4;mem:4096"));
    assertThat(allocator.view().dominantShare("f1")).isCloseTo(0.25, within(1e-12));
    allocator.removeAgent("a1"); // a second removal is harmless
    assertThat(allocator.view().agentCount()).isEqualTo(1);
    assertThat(allocator.view().total("a2")).isEqualTo(res("cpus:4;mem:4096"));
  }

  @Test
  void aChangedTotalIsOfferedAndNeverGoesNegative() {
    allocator.addAgent("a1", res("cpus:4;mem:4096"));
    allocator.addFramework("f1", "*");
    allocator.addAllocation("f1", "a1", res("cpus:3;mem:1024"));

    allocator.updateAgentTotal("a1", res("cpus:2;mem:4096"));
    assertThat(allocator.view().free("a1")).isEqualTo(res("mem:3072"));

    allocator.updateAgentTotal("a1", res("cpus:8;mem:4096"));
    assertThat(allocator.allocate(T0))
        .containsExactly(new Allocation("f1", "*", "a1", Fixtures.pooled("cpus:5;mem:3072")));
    assertThat(allocator.view().totals()).isEqualTo(res("cpus:8;mem:4096"));
  }

  @Test
  void recoveringMoreThanAllocatedIsClamped() {
    allocator.addAgent("a1", res("cpus:4;mem:4096;ports:[1-10]"));
    allocator.addFramework("f1", "*");
    allocator.addAllocation("f1", "a1", res("cpus:1;mem:100;ports:[3-4]"));

    allocator.recover("f1", "a1", res("cpus:5;disk:10;ports:[1-4]"), NO_FILTER, T0);

    assertThat(allocator.view().allocations("f1").get("a1")).isEqualTo(res("mem:100"));
    assertThat(allocator.view().free("a1")).isEqualTo(res("cpus:4;mem:3996;ports:[1-10]"));
  }

  @Test
  void recoveringForUnknownIdsChangesNothing() {
    allocator.addAgent("a1", res("cpus:4;mem:4096"));
    allocator.addFramework("f1", "*");
    List<Allocation> offers = allocator.allocate(T0);

    allocator.recover("ghost", "a1", res("cpus:4;mem:4096"), java.time.Duration.ofHours(1), T0);
    allocator.recover("f1", "ghost", res("cpus:4;mem:4096"), java.time.Duration.ofHours(1), T0);
    allocator.recover("f1", "a1", Resources.EMPTY, java.time.Duration.ofHours(1), T0);

    assertThat(allocator.view().free("a1")).isEqualTo(Resources.EMPTY);
    assertThat(allocator.view().filteredAgents("f1")).isZero();
    declineAll(allocator, offers, NO_FILTER, at(1));
    assertThat(allocator.allocate(at(1))).hasSize(1);
  }

  @Test
  void removalsOfUnknownIdsAreIgnored() {
    allocator.removeAgent("nope");
    allocator.removeFramework("nope");
    assertThat(allocator.view().dominantShares()).isEmpty();
  }

  @Test
  void anAllocationBeyondTheTotalIsRecordedAndLeavesNothingFree() {
    allocator.addAgent("a1", res("cpus:1;mem:1024"));
    allocator.addFramework("f1", "*");
    allocator.addAllocation("f1", "a1", res("cpus:2;mem:512"));
    assertThat(allocator.view().free("a1")).isEqualTo(res("mem:512"));
    assertThat(allocator.view().allocated("f1")).isEqualTo(res("cpus:2;mem:512"));
  }
}
