package io.corral.master.allocator;

import static io.corral.master.allocator.Fixtures.T0;
import static io.corral.master.allocator.Fixtures.at;
import static io.corral.master.allocator.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.PooledResources;
import io.corral.common.resources.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Resources reserved to roles: who is offered them, and how they count towards quotas. */
class ReservationAllocatorTest {
  private static final PooledResources HALF_ETL = PooledResources.parse("cpus(eng/etl):2;mem(eng/etl):2048;cpus:2;mem:2048");

  @Test
  void reservedResourcesAreOfferedOnlyToTheirRoleAndItsSubRoles() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("s1", HALF_ETL);
    a.addFramework("web", "web");
    a.addFramework("eng", "eng"); // the parent of eng/etl: not for it
    List<Allocation> first = a.allocate(T0);
    assertThat(first).extracting(x -> x.resources().reserved()).containsOnly(Map.of());
    assertThat(a.view().freePools("s1")).isEqualTo(PooledResources.parse("cpus(eng/etl):2;mem(eng/etl):2048"));

    a.addFramework("etl", "eng/etl/daily");
    List<Allocation> next = a.allocate(at(1));

    assertThat(next).singleElement().satisfies(x -> {
      assertThat(x.frameworkId()).isEqualTo("etl");
      assertThat(x.resources()).isEqualTo(PooledResources.parse("cpus(eng/etl):2;mem(eng/etl):2048"));
    });
  }

  @Test
  void aFrameworkOfTheRoleGetsItsReservationAndTheUnreservedPoolInOneOffer() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("s1", HALF_ETL);
    a.addFramework("etl", "eng/etl");

    assertThat(a.allocate(T0)).singleElement()
        .satisfies(x -> assertThat(x.resources()).isEqualTo(HALF_ETL));
  }

  @Test
  void freeReservationsCountTowardsTheGuaranteeSoNoHeadroomIsHeldBackForThem() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("reserved", PooledResources.parse("cpus(eng):4;mem(eng):4096"));
    a.addAgent("shared", res("cpus:4;mem:4096"));
    a.setQuota("eng", res("cpus:4;mem:4096"), Resources.EMPTY);
    a.addFramework("web", "web");

    a.allocate(T0);

    assertThat(a.view().lackingGuarantees()).isEmpty();
    assertThat(a.view().allocated("web")).isEqualTo(res("cpus:4;mem:4096"));
  }

  @Test
  void anotherRolesReservationsCannotServeAGuaranteeSoItsHeadroomComesFromTheSharedPool() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("reserved", PooledResources.parse("cpus(eng):4;mem(eng):4096"));
    a.addAgent("shared", res("cpus:4;mem:4096"));
    a.setQuota("ops", res("cpus:4;mem:4096"), Resources.EMPTY); // no framework in ops yet
    a.addFramework("web", "web");

    assertThat(a.allocate(T0)).isEmpty();
    a.addFramework("ops", "ops");
    assertThat(a.allocate(at(1))).singleElement().satisfies(x -> {
      assertThat(x.frameworkId()).isEqualTo("ops");
      assertThat(x.agentId()).isEqualTo("shared");
    });
  }

  @Test
  void aRoleBelowItsGuaranteeDespiteItsReservationLacksOnlyTheRest() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("reserved", PooledResources.parse("cpus(eng):1;mem(eng):1024"));
    a.addAgent("shared", res("cpus:4;mem:4096"));
    a.setQuota("eng", res("cpus:3;mem:3072"), Resources.EMPTY);
    a.addFramework("web", "web");

    a.allocate(T0);

    assertThat(a.view().lackingGuarantees()).containsEntry("eng", res("cpus:2;mem:2048"));
    assertThat(a.view().allocated("web")).isEqualTo(res("cpus:2;mem:2048"));
  }

  @Test
  void aRoleAtItsLimitIsStillOfferedItsReservations() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("s1", HALF_ETL);
    a.setQuota("eng/etl", Resources.EMPTY, res("cpus:2"));
    a.addFramework("etl", "eng/etl");

    assertThat(a.allocate(T0)).singleElement().satisfies(x -> assertThat(x.resources())
        .isEqualTo(PooledResources.parse("cpus(eng/etl):2;mem(eng/etl):2048")));
  }

  @Test
  void declinedReservationsReturnToTheirRoleAndAFilterHoldsThemBack() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("s1", PooledResources.parse("cpus(eng):2;mem(eng):2048"));
    a.addFramework("one", "eng");
    a.addFramework("two", "eng");
    Allocation first = a.allocate(T0).get(0);
    a.recover(first.frameworkId(), "s1", first.resources(), Duration.ofSeconds(10), T0);

    Allocation second = a.allocate(at(1)).get(0);

    assertThat(second.frameworkId()).isNotEqualTo(first.frameworkId());
    assertThat(second.resources()).isEqualTo(first.resources());
  }

  @Test
  void reservationsChangedOnALiveAgentAreOfferedToTheirNewRole() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("s1", res("cpus:4;mem:4096"));
    a.addFramework("web", "web");
    a.addFramework("etl", "eng/etl");
    for (Allocation x : a.allocate(T0)) {
      a.recover(x.frameworkId(), x.agentId(), x.resources(), Duration.ZERO, T0);
    }

    a.updateAgentTotal("s1", PooledResources.of(res("cpus:4;mem:4096")).reserve(
        PooledResources.parse("cpus(eng/etl):4;mem(eng/etl):4096")));
    a.suppress("etl");
    assertThat(a.allocate(at(1))).isEmpty();
    a.revive("etl");

    assertThat(a.allocate(at(2))).singleElement().satisfies(x -> assertThat(x.frameworkId()).isEqualTo("etl"));
  }
}
