package io.corral.master.allocator;

import static io.corral.master.allocator.Fixtures.NO_FILTER;
import static io.corral.master.allocator.Fixtures.T0;
import static io.corral.master.allocator.Fixtures.allocator;
import static io.corral.master.allocator.Fixtures.at;
import static io.corral.master.allocator.Fixtures.declineAll;
import static io.corral.master.allocator.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OfferFilterTest {
  private final DrfAllocator allocator = allocator();

  @BeforeEach
  void oneAgentOneFramework() {
    allocator.addAgent("a1", res("cpus:4;mem:4096;ports:[31000-31009]"));
    allocator.addFramework("f1", "*");
  }

  @Test
  void aRefusalBlocksTheAgentUntilItExpires() {
    List<Allocation> first = allocator.allocate(T0);
    assertThat(first).containsExactly(
        new Allocation("f1", "*", "a1", Fixtures.pooled("cpus:4;mem:4096;ports:[31000-31009]")));
    declineAll(allocator, first, Duration.ofSeconds(10), T0);

    assertThat(allocator.allocate(at(1))).isEmpty();
    assertThat(allocator.allocateAll(at(9.999))).isEmpty();
    assertThat(allocator.view().filteredAgents("f1")).isEqualTo(1);
    // The incremental cycle notices the expiry by itself.
    assertThat(allocator.allocate(at(10))).hasSize(1);
    assertThat(allocator.view().filteredAgents("f1")).isZero();
  }

  @Test
  void withoutRefusalTheResourcesComeRightBack() {
    declineAll(allocator, allocator.allocate(T0), NO_FILTER, T0);
    List<Allocation> again = allocator.allocate(T0);
    assertThat(again).hasSize(1);
    declineAll(allocator, again, Duration.ofSeconds(-1), T0);
    assertThat(allocator.allocate(T0)).hasSize(1);
  }

  @Test
  void anOfferWithMoreThanWasRefusedLiftsTheFilter() {
    allocator.addFramework("f2", "*");
    allocator.suppress("f2");
    allocator.addAllocation("f2", "a1", res("cpus:1;mem:1024")); // a running task
    List<Allocation> offers = allocator.allocate(T0);
    assertThat(offers).containsExactly(
        new Allocation("f1", "*", "a1", Fixtures.pooled("cpus:3;mem:3072;ports:[31000-31009]")));
    declineAll(allocator, offers, Duration.ofHours(1), T0);
    assertThat(allocator.allocate(at(1))).isEmpty();

    // The task ends: the agent now has more than f1 refused.
    allocator.recover("f2", "a1", res("cpus:1;mem:1024"), NO_FILTER, at(2));

    assertThat(allocator.allocate(at(2))).containsExactly(
        new Allocation("f1", "*", "a1", Fixtures.pooled("cpus:4;mem:4096;ports:[31000-31009]")));
  }

  @Test
  void anOfferWithLessThanWasRefusedStaysBlocked() {
    allocator.addFramework("f2", "*");
    allocator.suppress("f2");
    declineAll(allocator, allocator.allocate(T0), Duration.ofHours(1), T0);

    allocator.addAllocation("f2", "a1", res("cpus:1"));
    allocator.recover("f2", "a1", res("cpus:0.5"), NO_FILTER, at(1));

    assertThat(allocator.view().free("a1")).isEqualTo(res("cpus:3.5;mem:4096;ports:[31000-31009]"));
    assertThat(allocator.allocate(at(1))).isEmpty();
    assertThat(allocator.allocateAll(at(1))).isEmpty();
  }

  @Test
  void reviveClearsFilters() {
    declineAll(allocator, allocator.allocate(T0), Duration.ofHours(1), T0);
    assertThat(allocator.allocate(at(1))).isEmpty();

    allocator.revive("f1");

    assertThat(allocator.view().filteredAgents("f1")).isZero();
    assertThat(allocator.allocate(at(1))).hasSize(1);
  }

  @Test
  void aFilterBlocksOnlyItsFrameworkAndItsAgent() {
    allocator.addAgent("a2", res("cpus:4;mem:4096"));
    allocator.addFramework("f2", "*");
    List<Allocation> offers = allocator.allocate(T0);
    assertThat(offers).hasSize(2);
    // f1 refuses a1 (whichever framework got it), both decline a2 without a filter.
    for (Allocation a : offers) {
      allocator.recover(a.frameworkId(), a.agentId(), a.resources(), NO_FILTER, T0);
    }
    allocator.recover("f1", "a1", res("cpus:4;mem:4096;ports:[31000-31009]"),
        Duration.ofHours(1), T0);

    List<Allocation> next = allocator.allocate(at(1));

    assertThat(next).contains(new Allocation("f2", "*", "a1", Fixtures.pooled("cpus:4;mem:4096;ports:[31000-31009]")));
    assertThat(next).contains(new Allocation("f1", "*", "a2", Fixtures.pooled("cpus:4;mem:4096")));
  }

  @Test
  void anyOfSeveralRefusalsBlocks() {
    declineAll(allocator, allocator.allocate(T0), Duration.ofSeconds(100), T0);
    // A second, smaller and shorter refusal does not weaken the first.
    allocator.recover("f1", "a1", res("cpus:1"), Duration.ofSeconds(5), at(1));
    assertThat(allocator.allocate(at(50))).isEmpty();
    assertThat(allocator.allocate(at(100))).hasSize(1);
  }

  @Test
  void refusalsAreCappedAtAYear() {
    declineAll(allocator, allocator.allocate(T0), Duration.ofDays(10_000), T0);
    assertThat(allocator.allocate(T0.plus(Duration.ofDays(364)))).isEmpty();
    assertThat(allocator.allocate(T0.plus(Duration.ofDays(365)))).hasSize(1);
  }

  @Test
  void deactivationClearsFiltersLikeMesos() {
    declineAll(allocator, allocator.allocate(T0), Duration.ofHours(1), T0);
    allocator.deactivateFramework("f1");
    assertThat(allocator.view().filteredAgents("f1")).isZero();
    allocator.activateFramework("f1");
    assertThat(allocator.allocate(at(1))).hasSize(1);
  }

  @Test
  void aReusedFrameworkSlotDoesNotInheritFilters() {
    declineAll(allocator, allocator.allocate(T0), Duration.ofHours(1), T0);
    allocator.removeFramework("f1");
    allocator.addFramework("f-new", "*");
    assertThat(allocator.allocate(at(1))).extracting(Allocation::frameworkId)
        .containsExactly("f-new");
  }

  @Test
  void aRemovedAgentTakesItsFiltersAlong() {
    declineAll(allocator, allocator.allocate(T0), Duration.ofHours(1), T0);
    allocator.removeAgent("a1");
    assertThat(allocator.view().filteredAgents("f1")).isZero();
    allocator.addAgent("a1", res("cpus:4;mem:4096;ports:[31000-31009]"));
    assertThat(allocator.allocate(at(1))).hasSize(1);
  }
}
