package io.corral.benchmarks;

import io.corral.common.resources.Resources;
import io.corral.master.allocator.Allocation;
import io.corral.master.allocator.DrfAllocator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** How the frameworks of a benchmark cluster behave between measured cycles. */
enum Scenario {
  /**
   * Every agent is free at every cycle and every framework can take it: the frameworks give back
   * everything they were offered, without filters.
   */
  ALL_FREE("all free") {
    @Override
    void prepare(DrfAllocator allocator, Cluster cluster, Instant now) {}
  },

  /**
   * Nine frameworks in ten hold a one-hour filter on every agent (they declined it); the tenth
   * takes and gives back like {@link #ALL_FREE}. The filtered frameworks hold nothing, so they
   * lead the DRF order and every agent must skip them before it reaches a taker.
   */
  MOSTLY_FILTERED("mostly filtered") {
    @Override
    void prepare(DrfAllocator allocator, Cluster cluster, Instant now) {
      for (int f = 0; f < cluster.frameworks(); f++) {
        if (!isTaker(f)) {
          for (int a = 0; a < cluster.agents(); a++) {
            // An offer of the whole agent, declined: exactly what the master reports.
            allocator.addAllocation(cluster.frameworkId(f), cluster.agentId(a), cluster.agentTotal());
            allocator.recover(cluster.frameworkId(f), cluster.agentId(a), cluster.agentTotal(),
                Duration.ofHours(1), now);
          }
        }
      }
    }

    @Override
    void respond(DrfAllocator allocator, List<Allocation> offers, Instant now) {
      for (Allocation offer : offers) {
        String id = offer.frameworkId();
        if (!isTaker(Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)))) {
          throw new IllegalStateException(id + " was offered " + offer.agentId()
              + " through its filter");
        }
      }
      super.respond(allocator, offers, now);
    }

    @Override
    long filters(Cluster cluster) {
      return (long) (cluster.frameworks() - takers(cluster)) * cluster.agents();
    }
  };

  private final String label;

  Scenario(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** Brings a freshly built cluster into the scenario's steady state. */
  abstract void prepare(DrfAllocator allocator, Cluster cluster, Instant now);

  /** The frameworks answer the offers of one cycle: here they all give everything back. */
  void respond(DrfAllocator allocator, List<Allocation> offers, Instant now) {
    for (Allocation offer : offers) {
      allocator.recover(offer.frameworkId(), offer.agentId(), offer.resources(), Duration.ZERO, now);
    }
  }

  /** The number of (framework, agent) filters in the steady state. */
  long filters(Cluster cluster) {
    return 0;
  }

  static boolean isTaker(int framework) {
    return framework % 10 == 0;
  }

  static int takers(Cluster cluster) {
    return (cluster.frameworks() + 9) / 10;
  }

  /** The shape of a benchmark cluster: identical agents, frameworks in one role. */
  record Cluster(int agents, int frameworks) {
    private static final Resources AGENT =
        Resources.parse("cpus:32;mem:131072;disk:1000000;ports:[31000-32000]");

    Resources agentTotal() {
      return AGENT;
    }

    String agentId(int i) {
      return "agent-" + i;
    }

    String frameworkId(int i) {
      return "framework-" + i;
    }

    DrfAllocator build(long seed) {
      DrfAllocator allocator = new DrfAllocator(new java.util.SplittableRandom(seed));
      for (int a = 0; a < agents; a++) {
        allocator.addAgent(agentId(a), AGENT);
      }
      for (int f = 0; f < frameworks; f++) {
        allocator.addFramework(frameworkId(f), "*");
      }
      return allocator;
    }

    @Override
    public String toString() {
      return agents + " x " + frameworks;
    }
  }
}
