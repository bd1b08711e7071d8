package io.corral.master.allocator;

import static io.corral.master.allocator.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.corral.common.resources.PooledResources;
import io.corral.common.resources.Resources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random sequences of events against a plain model of who holds what, pool by pool (some agents
 * have resources reserved to roles a, a/x or b). Checks after every step: nothing is offered twice
 * (each offer is an agent's whole free unreserved pool or whole free reservations, which then become
 * allocated), reserved resources are offered only to frameworks of their role or a sub-role,
 * allocations never exceed totals, free amounts and allocations match the model, and an incremental
 * cycle leaves nothing that a full cycle would still offer.
 */
class RandomizedAllocatorTest {
  private static final List<PooledResources> SHAPES =
      List.of(
          pooled("cpus:4;mem:4096;ports:[31000-31009]"),
          pooled("cpus:8;mem:16384;disk:1000"),
          pooled("cpus:0.5;mem:100"),
          pooled("gpus:1;cpus:2;mem:1024;ports:[1-3]"),
          pooled("cpus(a):2;mem(a):2048;cpus:2;mem:2048;ports(a):[40-44]"),
          pooled("cpus(a/x):1;mem(a/x):512;cpus(b):1;mem(b):512;cpus:1;mem:512"),
          pooled("cpus(b):4;mem(b):4096"));
  private static final List<String> ROLES = List.of("*", "a", "b", "a/x");
  private static final List<Duration> REFUSALS =
      List.of(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(-1), Duration.ofSeconds(1),
          Duration.ofSeconds(5), Duration.ofHours(1));

  private Random random;
  private DrfAllocator allocator;
  private Instant now = T0;
  private final Map<String, PooledResources> totals = new TreeMap<>();
  private final Set<String> inactiveAgents = new HashSet<>();
  private final Map<String, Map<String, PooledResources>> held = new TreeMap<>();
  private final Map<String, String> roles = new HashMap<>();
  private final Set<String> inactiveFrameworks = new HashSet<>();
  private final Set<String> suppressed = new HashSet<>();
  private int nextId;
  private int offersSeen;
  private int reservedOffersSeen;
  private int filteredSteps;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void invariantsHoldUnderRandomEvents(long seed) {
    random = new Random(seed);
    allocator = new DrfAllocator(new Random(seed * 31));
    for (int step = 0; step < 600; step++) {
      step();
      checkInvariants();
    }
    // The walk reached the interesting states.
    assertThat(offersSeen).isGreaterThan(100);
    assertThat(reservedOffersSeen).isGreaterThan(10);
    assertThat(filteredSteps).isGreaterThan(10);
  }

  private void step() {
    int op = random.nextInt(20);
    switch (op) {
      case 0, 1 -> {
        if (totals.size() < 12) {
          String id = "agent-" + nextId++;
          PooledResources total = SHAPES.get(random.nextInt(SHAPES.size()));
          allocator.addAgent(id, total);
          totals.put(id, total);
        }
      }
      case 2 -> pick(totals.keySet()).ifPresent(id -> {
        allocator.removeAgent(id);
        totals.remove(id);
        inactiveAgents.remove(id);
        held.values().forEach(m -> m.remove(id));
      });
      case 3 -> {
        if (held.size() < 6) {
          String id = "fw-" + nextId++;
          String role = ROLES.get(random.nextInt(ROLES.size()));
          allocator.addFramework(id, role);
          held.put(id, new TreeMap<>());
          roles.put(id, role);
        }
      }
      case 4 -> pick(held.keySet()).ifPresent(id -> {
        allocator.removeFramework(id);
        held.remove(id);
        inactiveFrameworks.remove(id);
        suppressed.remove(id);
      });
      case 5 -> pick(held.keySet()).ifPresent(id -> {
        if (random.nextBoolean()) {
          allocator.suppress(id);
          suppressed.add(id);
        } else {
          allocator.revive(id);
          suppressed.remove(id);
        }
      });
      case 6 -> pick(held.keySet()).ifPresent(id -> {
        if (random.nextBoolean()) {
          allocator.deactivateFramework(id);
          inactiveFrameworks.add(id);
          suppressed.remove(id);
        } else {
          allocator.activateFramework(id);
          inactiveFrameworks.remove(id);
        }
      });
      case 7 -> pick(totals.keySet()).ifPresent(id -> {
        if (random.nextBoolean()) {
          allocator.deactivateAgent(id);
          inactiveAgents.add(id);
        } else {
          allocator.activateAgent(id);
          inactiveAgents.remove(id);
        }
      });
      case 8 -> allocator.setWeight(List.of("*", "a", "b").get(random.nextInt(3)),
          1 + random.nextInt(4));
      case 9, 10 -> now = now.plusMillis(random.nextInt(3000));
      case 11, 12 -> finishTask();
      case 13, 14, 15, 16 -> {
        handle(allocator.allocate(now));
      }
      default -> handle(allocator.allocateAll(now));
    }
  }

  private void handle(List<Allocation> offers) {
    Set<String> seen = new HashSet<>();
    for (Allocation offer : offers) {
      assertThat(seen.add(offer.frameworkId() + " " + offer.agentId()))
          .as("one offer per framework and agent per cycle").isTrue();
      assertThat(inactiveAgents).doesNotContain(offer.agentId());
      assertThat(inactiveFrameworks).doesNotContain(offer.frameworkId());
      assertThat(suppressed).doesNotContain(offer.frameworkId());
      PooledResources free = free(offer.agentId());
      PooledResources offered = offer.resources();
      String role = roles.get(offer.frameworkId());
      assertThat(free.usableBy(role).contains(offered))
          .as("%s offered to role %s: free usable by it is %s", offered, role, free.usableBy(role)).isTrue();
      assertThat(offered.unreserved()).as("the whole free unreserved pool or none")
          .isIn(Resources.EMPTY, free.unreserved());
      offered.reserved().forEach((owner, r) -> {
        assertThat(r).as("the whole free reservation of %s", owner).isEqualTo(free.reserved(owner));
        assertThat(MinAllocatable.DEFAULT.allows(r)).isTrue();
      });
      if (!offered.unreserved().isEmpty()) {
        assertThat(MinAllocatable.DEFAULT.allows(offered.unreserved())).isTrue();
      }
      held.get(offer.frameworkId()).merge(offer.agentId(), offered, PooledResources::plus);
      offersSeen++;
      reservedOffersSeen += offered.reserved().isEmpty() ? 0 : 1;
    }
    checkInvariants();
    assertThat(allocator.allocateAll(now)).as("nothing left that a full cycle would offer")
        .isEmpty();
    for (Allocation offer : offers) {
      PooledResources used = switch (random.nextInt(3)) {
        case 0 -> offer.resources();
        case 1 -> slice(offer.resources());
        default -> PooledResources.EMPTY;
      };
      recover(offer.frameworkId(), offer.agentId(), offer.resources().minus(used));
    }
  }

  private void finishTask() {
    List<String[]> pairs = new ArrayList<>();
    held.forEach((fw, m) -> m.keySet().forEach(agent -> pairs.add(new String[] {fw, agent})));
    if (pairs.isEmpty()) {
      return;
    }
    String[] pair = pairs.get(random.nextInt(pairs.size()));
    PooledResources has = held.get(pair[0]).get(pair[1]);
    recover(pair[0], pair[1], random.nextBoolean() ? has : slice(has));
  }

  private void recover(String fw, String agent, PooledResources resources) {
    Duration refuse = REFUSALS.get(random.nextInt(REFUSALS.size()));
    allocator.recover(fw, agent, resources, refuse, now);
    Map<String, PooledResources> m = held.get(fw);
    PooledResources left = m.getOrDefault(agent, PooledResources.EMPTY).minus(resources);
    if (left.isEmpty()) {
      m.remove(agent);
    } else {
      m.put(agent, left);
    }
  }

  /** Roughly one small task out of {@code r}: from one of its pools. */
  private PooledResources slice(PooledResources r) {
    List<String> pools = new ArrayList<>(r.reserved().keySet());
    pools.add("");
    String pool = pools.get(random.nextInt(pools.size()));
    return pool.isEmpty() ? PooledResources.of(slice(r.unreserved()))
        : PooledResources.reserved(pool, slice(r.reserved(pool)));
  }

  private static Resources slice(Resources r) {
    Resources.Builder b = Resources.builder();
    if (r.cpus() > 0) {
      b.cpus(Math.min(r.cpus(), 0.5));
    }
    if (r.mem() > 0) {
      b.mem(Math.min(r.mem(), 300));
    }
    if (!r.ports().isEmpty()) {
      b.ports(r.ports().take(1));
    }
    return b.build();
  }

  private PooledResources free(String agent) {
    PooledResources sum = PooledResources.EMPTY;
    for (Map<String, PooledResources> m : held.values()) {
      sum = sum.plus(m.getOrDefault(agent, PooledResources.EMPTY));
    }
    return totals.get(agent).minus(sum);
  }

  private void checkInvariants() {
    Map<String, PooledResources> sums = new HashMap<>();
    held.values().forEach(m -> m.forEach((agent, r) -> sums.merge(agent, r, PooledResources::plus)));
    Resources.Builder clusterTotal = Resources.builder();
    for (Map.Entry<String, PooledResources> e : totals.entrySet()) {
      String agent = e.getKey();
      PooledResources allocated = sums.getOrDefault(agent, PooledResources.EMPTY);
      assertThat(e.getValue().contains(allocated)).as("allocations fit on %s", agent).isTrue();
      assertThat(allocator.view().freePools(agent)).isEqualTo(e.getValue().minus(allocated));
      clusterTotal.add(e.getValue().all().scalarsOnly());
    }
    Resources clusterTotals = clusterTotal.build();
    assertThat(allocator.view().totals()).isEqualTo(clusterTotals);
    boolean filtered = false;
    for (Map.Entry<String, Map<String, PooledResources>> e : held.entrySet()) {
      filtered |= allocator.view().filteredAgents(e.getKey()) > 0;
      String role = roles.get(e.getKey());
      Map<String, Resources> amounts = new TreeMap<>();
      e.getValue().forEach((agent, r) -> {
        amounts.put(agent, r.all());
        assertThat(allocator.view().allocation(e.getKey(), agent)).isEqualTo(r);
        assertThat(r.usableBy(role)).as("only reservations of its role's tree held by a framework of %s", role)
            .isEqualTo(r);
      });
      assertThat(allocator.view().allocations(e.getKey())).isEqualTo(amounts);
      Resources.Builder mine = Resources.builder();
      e.getValue().values().forEach(r -> mine.add(r.all()));
      assertThat(allocator.view().dominantShare(e.getKey()))
          .isCloseTo(share(mine.build(), clusterTotals), within(1e-9));
    }
    if (filtered) {
      filteredSteps++;
    }
  }

  private static double share(Resources allocated, Resources totals) {
    double max = 0;
    for (Map.Entry<String, Double> e : allocated.scalars().entrySet()) {
      double total = totals.scalar(e.getKey());
      if (total > 0) {
        max = Math.max(max, e.getValue() / total);
      }
    }
    return max;
  }

  private static PooledResources pooled(String spec) {
    return PooledResources.parse(spec);
  }

  private <T> java.util.Optional<T> pick(Set<T> set) {
    if (set.isEmpty()) {
      return java.util.Optional.empty();
    }
    List<T> list = new ArrayList<>(set);
    return java.util.Optional.of(list.get(random.nextInt(list.size())));
  }
}
