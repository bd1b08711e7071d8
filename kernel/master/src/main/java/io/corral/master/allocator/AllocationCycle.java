package io.corral.master.allocator;

import io.corral.common.resources.Resources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One allocation pass over a list of agents (Mesos {@code __generateOffers}, one role per
 * framework, no quota): agents in random order; each agent's whole free amount, if it meets the
 * minimum, goes to the first framework in DRF order that no filter blocks; shares are updated
 * before the next agent.
 */
final class AllocationCycle {
  private final DrfSorter sorter;
  private final Ledger ledger;
  private final MinAllocatable minimum;
  private final RandomGenerator random;

  AllocationCycle(DrfSorter sorter, Ledger ledger, MinAllocatable minimum, RandomGenerator random) {
    this.sorter = sorter;
    this.ledger = ledger;
    this.minimum = minimum;
    this.random = random;
  }

  /**
   * Allocates the free resources of {@code agents} (active ones; the list is shuffled in place).
   *
   * @return the allocations made, in the order they were made
   */
  List<Allocation> run(List<AgentState> agents, Instant now) {
    sorter.refreshIfStale();
    shuffle(agents);
    List<Allocation> out = new ArrayList<>();
    for (AgentState agent : agents) {
      agent.filters.expire(now);
      Resources free = agent.free;
      if (!minimum.allows(free)) {
        continue;
      }
      FrameworkState taker = firstUnfiltered(agent, free, now);
      if (taker != null) {
        ledger.grant(taker, agent, free);
        out.add(new Allocation(taker.id, agent.id, free));
      }
    }
    return out;
  }

  /** The first offerable framework, in DRF order, that no filter blocks from {@code free}. */
  private FrameworkState firstUnfiltered(AgentState agent, Resources free, Instant now) {
    AgentFilters filters = agent.filters;
    boolean filtered = !filters.isEmpty();
    if (filtered) {
      filters.prepare(free, now);
    }
    for (RoleState role : sorter.roles()) {
      for (FrameworkState fw : role.offerable) {
        if (!filtered || !filters.blocks(fw)) {
          return fw;
        }
      }
    }
    return null;
  }

  private void shuffle(List<AgentState> agents) {
    for (int i = agents.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      AgentState tmp = agents.get(i);
      agents.set(i, agents.get(j));
      agents.set(j, tmp);
    }
  }
}
