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
  },

  /**
   * As {@link #ALL_FREE}, but the frameworks are spread over {@link #QUOTA_ROLES} roles, two levels
   * deep ({@code org-<r % 10>/team-<r>}), and every team has a quota: a guarantee of half a
   * percent of the cluster (the guarantees sum to half of it) and a limit of two percent (the
   * limits sum to twice the cluster). Every cycle runs the quota stages: guarantees first, then
   * fair share, each offer capped by the limits and the headroom.
   */
  QUOTAS("100 quota roles") {
    @Override
    void prepare(DrfAllocator allocator, Cluster cluster, Instant now) {
      Resources total = cluster.agentTotal().scalarsOnly();
      Resources.Builder guarantee = Resources.builder();
      Resources.Builder limit = Resources.builder();
      for (java.util.Map.Entry<String, Double> e : total.scalars().entrySet()) {
        guarantee.scalar(e.getKey(), e.getValue() * cluster.agents() * 0.005);
        limit.scalar(e.getKey(), e.getValue() * cluster.agents() * 0.02);
      }
      for (int r = 0; r < QUOTA_ROLES; r++) {
        allocator.setQuota(team(r), guarantee.build(), limit.build());
      }
    }

    @Override
    String roleOf(int framework) {
      return team(framework % QUOTA_ROLES);
    }

    @Override
    boolean offersEveryAgentWhole() {
      return false;
    }
  };

  static final int QUOTA_ROLES = 100;

  private static String team(int r) {
    return "org-" + (r % 10) + "/team-" + r;
  }

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

  /** The role of framework number {@code framework}. */
  String roleOf(int framework) {
    return "*";
  }

  /** Whether each cycle offers each agent whole, once (else: each agent at least once, in slices). */
  boolean offersEveryAgentWhole() {
    return true;
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

  /** The shape of a benchmark cluster: identical agents, frameworks in the scenario's roles. */
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

    DrfAllocator build(long seed, Scenario scenario) {
      DrfAllocator allocator = new DrfAllocator(new java.util.SplittableRandom(seed));
      for (int a = 0; a < agents; a++) {
        allocator.addAgent(agentId(a), AGENT);
      }
      for (int f = 0; f < frameworks; f++) {
        allocator.addFramework(frameworkId(f), scenario.roleOf(f));
      }
      return allocator;
    }

    @Override
    public String toString() {
      return agents + " x " + frameworks;
    }
  }
}
