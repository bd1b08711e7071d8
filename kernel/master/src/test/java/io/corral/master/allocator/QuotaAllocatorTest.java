package io.corral.master.allocator;

import static io.corral.master.allocator.Fixtures.T0;
import static io.corral.master.allocator.Fixtures.at;
import static io.corral.master.allocator.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hierarchical roles, guarantees, limits and headroom in the allocator. */
class QuotaAllocatorTest {

  @Test
  void aLimitCapsTheOfferAndTheRestGoesToTheNextFramework() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("s1", res("cpus:4;mem:4096"));
    a.addFramework("capped", "a");
    a.addFramework("other", "b");
    a.setQuota("a", Resources.EMPTY, res("cpus:1"));

    List<Allocation> out = a.allocate(T0);

    assertThat(a.view().allocated("capped").cpus()).isEqualTo(1.0);
    assertThat(a.view().allocated("other").cpus()).isEqualTo(3.0);
    assertThat(out).hasSize(2);
  }

  @Test
  void aRoleAtItsLimitIsOfferedNothing() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("s1", res("cpus:4;mem:4096"));
    a.addFramework("capped", "small");
    a.setQuota("small", Resources.EMPTY, res("cpus:1"));
    a.allocate(T0);
    a.addAgent("s2", res("cpus:4;mem:4096"));

    assertThat(a.allocate(at(1))).isEmpty();
    assertThat(a.view().allocated("capped").cpus()).isEqualTo(1.0);
  }

  @Test
  void aLimitOnAParentCapsItsSubRoles() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("s1", res("cpus:8;mem:8192"));
    a.addAgent("s2", res("cpus:8;mem:8192"));
    a.addFramework("etl", "eng/etl");
    a.addFramework("adhoc", "eng/adhoc");
    a.setQuota("eng", Resources.EMPTY, res("cpus:5"));

    a.allocate(T0);

    assertThat(a.view().roleAllocation("eng").cpus()).isEqualTo(5.0);
    assertThat(a.view().roleAllocation("eng/etl").plus(a.view().roleAllocation("eng/adhoc")).cpus()).isEqualTo(5.0);
  }

  @Test
  void theHeadroomOfAnUnmetGuaranteeIsHeldBackFromOtherRoles() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("s1", res("cpus:4;mem:4096"));
    a.addAgent("s2", res("cpus:4;mem:4096"));
    a.addFramework("greedy", "a");
    a.setQuota("b", res("cpus:4;mem:4096"), Resources.EMPTY); // no framework in b yet

    a.allocate(T0);

    assertThat(a.view().allocated("greedy").cpus()).isEqualTo(4.0);
    a.addFramework("late", "b");
    a.allocate(at(1));
    assertThat(a.view().allocated("late")).isEqualTo(res("cpus:4;mem:4096"));
  }

  @Test
  void aRoleBelowItsGuaranteeGetsFreedResourcesBeforeARoleWithMoreWeight() {
    DrfAllocator a = Fixtures.allocator();
    for (int i = 0; i < 4; i++) {
      a.addAgent("s" + i, res("cpus:2;mem:2048"));
    }
    a.addFramework("fa", "a");
    a.setWeight("a", 100.0);
    List<Allocation> first = a.allocate(T0);
    assertThat(first).hasSize(4); // b has no framework and no quota yet: a takes everything
    a.addFramework("fb", "b");
    a.setQuota("b", res("cpus:4"), Resources.EMPTY);
    // Two of a's tasks end: b, below its guarantee, gets both agents although a weighs 100 times more.
    a.recover("fa", "s0", res("cpus:2;mem:2048"), Duration.ZERO, at(1));
    a.recover("fa", "s1", res("cpus:2;mem:2048"), Duration.ZERO, at(1));
    a.allocate(at(1));
    assertThat(a.view().allocated("fb").cpus()).isEqualTo(4.0);
  }

  @Test
  void subRolesShareTheirParentsGuaranteeByWeight() {
    DrfAllocator a = Fixtures.allocator();
    for (int i = 0; i < 8; i++) {
      a.addAgent("s" + i, res("cpus:1;mem:1024"));
    }
    a.addFramework("flood", "other");
    a.setWeight("other", 1000.0);
    a.addFramework("etl", "eng/etl");
    a.addFramework("adhoc", "eng/adhoc");
    a.setQuota("eng", res("cpus:4;mem:4096"), Resources.EMPTY);
    a.setWeight("eng/etl", 3.0);

    a.allocate(T0);

    assertThat(a.view().allocated("etl").cpus()).isEqualTo(3.0);
    assertThat(a.view().allocated("adhoc").cpus()).isEqualTo(1.0);
    assertThat(a.view().allocated("flood").cpus()).isEqualTo(4.0);
  }

  @Test
  void aPreemptionPassCanAskWhoLacksWhatAndWhoHoldsMore() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("s1", res("cpus:4;mem:4096"));
    a.addFramework("fa", "a");
    a.allocate(T0);
    a.addFramework("fb", "b");
    a.setQuota("a", res("cpus:1"), Resources.EMPTY);
    a.setQuota("b", res("cpus:2"), Resources.EMPTY);

    assertThat(a.view().lackingGuarantees()).containsOnlyKeys("b");
    assertThat(a.view().lackingGuarantees().get("b")).isEqualTo(res("cpus:2"));
    assertThat(a.view().demand("b")).isTrue();
    assertThat(a.view().surplus("a")).isEqualTo(res("cpus:3;mem:4096"));
    assertThat(a.view().surplus("b")).isEqualTo(Resources.EMPTY);
  }

  @Test
  void removingAQuotaEndsItsHeadroom() {
    DrfAllocator a = Fixtures.allocator();
    a.addAgent("s1", res("cpus:4;mem:4096"));
    a.addFramework("fa", "a");
    a.setQuota("b", res("cpus:4;mem:4096"), Resources.EMPTY);
    assertThat(a.allocate(T0)).isEmpty();
    a.setQuota("b", Resources.EMPTY, Resources.EMPTY);
    assertThat(a.allocate(at(1))).hasSize(1);
    assertThat(a.view().roles()).containsExactly("a");
  }

  @Test
  void rolesWithoutQuotasAreSortedHierarchically() {
    DrfAllocator a = Fixtures.allocator();
    for (int i = 0; i < 12; i++) {
      a.addAgent("s" + i, res("cpus:1;mem:1024"));
    }
    a.addFramework("x1", "x/one");
    a.addFramework("x2", "x/two");
    a.addFramework("x3", "x/three");
    a.addFramework("y", "y");
    a.allocate(T0);
    // x and y are siblings: half each; x's half is split between its three sub-roles.
    assertThat(a.view().roleAllocation("x").cpus()).isEqualTo(6.0);
    assertThat(a.view().allocated("y").cpus()).isEqualTo(6.0);
    assertThat(a.view().allocated("x1").cpus()).isEqualTo(2.0);
  }

  // ---- properties over random clusters ------------------------------------------------------

  private static final String[] ROLES = {"a", "a/x", "a/y", "a/y/z", "b", "b/p", "b/q", "c", "d/e"};

  @Test
  void randomClustersNeverExceedALimitAndServeSatisfiableGuaranteesFirst() {
    for (int seed = 0; seed < 300; seed++) {
      runRandomCluster(seed);
    }
  }

  private void runRandomCluster(int seed) {
    Random rnd = new Random(seed);
    DrfAllocator a = new DrfAllocator(new Random(seed), MinAllocatable.DEFAULT);
    int agents = 3 + rnd.nextInt(25);
    double cpus = 0;
    double mem = 0;
    for (int i = 0; i < agents; i++) {
      int c = 1 + rnd.nextInt(8);
      int m = 1024 * (1 + rnd.nextInt(8));
      a.addAgent("s" + i, res("cpus:" + c + ";mem:" + m));
      cpus += c;
      mem += m;
    }
    Map<String, String> roleOf = new HashMap<>();
    int frameworks = 1 + rnd.nextInt(8);
    for (int i = 0; i < frameworks; i++) {
      String role = ROLES[rnd.nextInt(ROLES.length)];
      roleOf.put("f" + i, role);
      a.addFramework("f" + i, role);
    }
    Map<String, Resources> limits = new HashMap<>();
    Map<String, Resources> guarantees = new HashMap<>();
    double cpusLeft = cpus;
    double memLeft = mem;
    for (String role : ROLES) {
      if (rnd.nextInt(3) == 0) {
        a.setWeight(role, 0.5 + rnd.nextInt(6));
      }
      if (rnd.nextInt(3) == 0) {
        Resources limit = res("cpus:" + (1 + rnd.nextInt(10)));
        Resources guarantee = Resources.EMPTY;
        if (!role.contains("/") && rnd.nextBoolean()) {
          double g = Math.min(cpusLeft, Math.min(limit.cpus(), 1 + rnd.nextInt(6)));
          double gm = Math.min(memLeft, 512 * (1 + rnd.nextInt(8)));
          if (g > 0 && gm > 0) {
            guarantee = res("cpus:" + g + ";mem:" + gm);
            cpusLeft -= g;
            memLeft -= gm;
            limit = rnd.nextBoolean() ? Resources.EMPTY : limit;
          }
        }
        a.setQuota(role, guarantee, limit);
        if (!limit.isEmpty()) {
          limits.put(role, limit);
        }
        if (!guarantee.isEmpty()) {
          guarantees.put(role, guarantee);
        }
      }
    }
    List<Allocation> held = new ArrayList<>();
    for (int round = 0; round < 12; round++) {
      List<Allocation> out = a.allocate(at(round));
      String where = "seed " + seed + " round " + round;
      limits.forEach((role, limit) ->
          assertThat(a.view().roleAllocation(role).cpus()).as(where + ": role " + role).isLessThanOrEqualTo(limit.cpus()));
      guarantees.forEach((role, g) -> {
        if (!a.view().demand(role) || limits.keySet().stream().anyMatch(r -> r.startsWith(role + "/"))) {
          return; // no demand, or a limit below the role may keep its demand from its guarantee
        }
        Resources lack = a.view().lackingGuarantees().getOrDefault(role, Resources.EMPTY);
        for (String name : lack.scalars().keySet()) {
          for (int i = 0; i < agents; i++) {
            assertThat(a.view().free("s" + i).scalar(name)).as(where + ": " + role + " lacks " + lack
                + " while agent s" + i + " has " + name + " free").isZero();
          }
        }
      });
      // Frameworks keep some offers (tasks), give the rest back; some tasks end.
      for (Allocation x : out) {
        if (rnd.nextBoolean()) {
          held.add(x);
        } else {
          a.recover(x.frameworkId(), x.agentId(), x.resources(), Duration.ZERO, at(round));
        }
      }
      for (int k = held.size() - 1; k >= 0; k--) {
        if (rnd.nextInt(4) == 0) {
          Allocation x = held.remove(k);
          a.recover(x.frameworkId(), x.agentId(), x.resources(), Duration.ZERO, at(round));
        }
      }
    }
  }

  @Test
  void siblingsStayWithinOneTaskOfTheirWeightedShare() {
    for (int seed = 0; seed < 200; seed++) {
      Random rnd = new Random(seed);
      DrfAllocator a = new DrfAllocator(new Random(seed), MinAllocatable.DEFAULT);
      int agents = 5 + rnd.nextInt(60);
      for (int i = 0; i < agents; i++) {
        a.addAgent("s" + i, res("cpus:1;mem:1024")); // one task each
      }
      String parent = rnd.nextBoolean() ? "p" : "p/q";
      int siblings = 2 + rnd.nextInt(3);
      double[] weights = new double[siblings];
      double total = 0;
      for (int i = 0; i < siblings; i++) {
        weights[i] = 1 + rnd.nextInt(4);
        total += weights[i];
        a.addFramework("f" + i, parent + "/r" + i);
        a.setWeight(parent + "/r" + i, weights[i]);
      }
      if (rnd.nextBoolean()) {
        a.setQuota(parent, res("cpus:" + (1 + rnd.nextInt(agents)) + ";mem:1024"), Resources.EMPTY);
      }
      for (int round = 0; round < 3; round++) {
        a.allocate(at(round));
      }
      // None holds more than one task beyond its weighted share, and none is a whole task ahead
      // of another in weighted terms (the next task would go to the one behind).
      for (int i = 0; i < siblings; i++) {
        double held = a.view().allocated("f" + i).cpus();
        assertThat(held).as("seed " + seed + " sibling " + i).isLessThanOrEqualTo(agents * weights[i] / total + 1);
        for (int j = 0; j < siblings; j++) {
          double other = a.view().allocated("f" + j).cpus();
          assertThat((held - 1) / weights[i]).as("seed " + seed + " sibling " + i + " vs " + j)
              .isLessThanOrEqualTo(other / weights[j] + 1e-9);
        }
      }
    }
  }
}
