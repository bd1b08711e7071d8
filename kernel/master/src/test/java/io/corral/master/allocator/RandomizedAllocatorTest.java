package io.corral.master.allocator;

import static io.corral.master.allocator.Fixtures.T0;
import static io.corral.master.allocator.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
 * Random sequences of events against a plain model of who holds what. Checks after every step:
 * nothing is offered twice (each offer is exactly the agent's free amount, which then becomes
 * allocated), allocations never exceed totals, free amounts and allocations match the model, and
 * an incremental cycle leaves nothing that a full cycle would still offer.
 */
class RandomizedAllocatorTest {
  private static final List<Resources> SHAPES =
      List.of(
          res("cpus:4;mem:4096;ports:[31000-31009]"),
          res("cpus:8;mem:16384;disk:1000"),
          res("cpus:0.5;mem:100"),
          res("gpus:1;cpus:2;mem:1024;ports:[1-3]"));
  private static final List<Duration> REFUSALS =
      List.of(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(-1), Duration.ofSeconds(1),
          Duration.ofSeconds(5), Duration.ofHours(1));

  private Random random;
  private DrfAllocator allocator;
  private Instant now = T0;
  private final Map<String, Resources> totals = new TreeMap<>();
  private final Set<String> inactiveAgents = new HashSet<>();
  private final Map<String, Map<String, Resources>> held = new TreeMap<>();
  private final Set<String> inactiveFrameworks = new HashSet<>();
  private final Set<String> suppressed = new HashSet<>();
  private int nextId;
  private int offersSeen;
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
    assertThat(filteredSteps).isGreaterThan(10);
  }

  private void step() {
    int op = random.nextInt(20);
    switch (op) {
      case 0, 1 -> {
        if (totals.size() < 12) {
          String id = "agent-" + nextId++;
          Resources total = SHAPES.get(random.nextInt(SHAPES.size()));
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
          allocator.addFramework(id, List.of("*", "a", "b").get(random.nextInt(3)));
          held.put(id, new TreeMap<>());
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
    Set<String> seenAgents = new HashSet<>();
    for (Allocation offer : offers) {
      assertThat(seenAgents.add(offer.agentId())).as("one offer per agent per cycle").isTrue();
      assertThat(inactiveAgents).doesNotContain(offer.agentId());
      assertThat(inactiveFrameworks).doesNotContain(offer.frameworkId());
      assertThat(suppressed).doesNotContain(offer.frameworkId());
      assertThat(offer.resources()).as("the whole free amount").isEqualTo(free(offer.agentId()));
      assertThat(MinAllocatable.DEFAULT.allows(offer.resources())).isTrue();
      held.get(offer.frameworkId()).merge(offer.agentId(), offer.resources(), Resources::plus);
      offersSeen++;
    }
    checkInvariants();
    assertThat(allocator.allocateAll(now)).as("nothing left that a full cycle would offer")
        .isEmpty();
    for (Allocation offer : offers) {
      Resources used = switch (random.nextInt(3)) {
        case 0 -> offer.resources();
        case 1 -> slice(offer.resources());
        default -> Resources.EMPTY;
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
    Resources has = held.get(pair[0]).get(pair[1]);
    recover(pair[0], pair[1], random.nextBoolean() ? has : slice(has));
  }

  private void recover(String fw, String agent, Resources resources) {
    Duration refuse = REFUSALS.get(random.nextInt(REFUSALS.size()));
    allocator.recover(fw, agent, resources, refuse, now);
    Map<String, Resources> m = held.get(fw);
    Resources left = m.getOrDefault(agent, Resources.EMPTY).minus(resources);
    if (left.isEmpty()) {
      m.remove(agent);
    } else {
      m.put(agent, left);
    }
  }

  /** Roughly one small task out of {@code r}. */
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

  private Resources free(String agent) {
    Resources sum = Resources.EMPTY;
    for (Map<String, Resources> m : held.values()) {
      sum = sum.plus(m.getOrDefault(agent, Resources.EMPTY));
    }
    return totals.get(agent).minus(sum);
  }

  private void checkInvariants() {
    Map<String, Resources> sums = new HashMap<>();
    held.values().forEach(m -> m.forEach((agent, r) -> sums.merge(agent, r, Resources::plus)));
    Resources.Builder clusterTotal = Resources.builder();
    for (Map.Entry<String, Resources> e : totals.entrySet()) {
      String agent = e.getKey();
      Resources allocated = sums.getOrDefault(agent, Resources.EMPTY);
      assertThat(e.getValue().contains(allocated)).as("allocations fit on %s", agent).isTrue();
      assertThat(allocator.view().free(agent)).isEqualTo(e.getValue().minus(allocated));
      clusterTotal.add(e.getValue().scalarsOnly());
    }
    Resources clusterTotals = clusterTotal.build();
    assertThat(allocator.view().totals()).isEqualTo(clusterTotals);
    boolean filtered = false;
    for (Map.Entry<String, Map<String, Resources>> e : held.entrySet()) {
      filtered |= allocator.view().filteredAgents(e.getKey()) > 0;
      assertThat(allocator.view().allocations(e.getKey())).isEqualTo(e.getValue());
      Resources.Builder mine = Resources.builder();
      e.getValue().values().forEach(mine::add);
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

  private <T> java.util.Optional<T> pick(Set<T> set) {
    if (set.isEmpty()) {
      return java.util.Optional.empty();
    }
    List<T> list = new ArrayList<>(set);
    return java.util.Optional.of(list.get(random.nextInt(list.size())));
  }
}
