package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One allocation pass over a list of agents (Mesos {@code __generateOffers}, one role per
 * framework): agents in random order. First each agent's free reservations, each to the first
 * framework of its role's subtree in DRF order that no filter blocks ({@link ReservedOffers}). Then
 * the unreserved pool: without quotas, each agent's whole free amount, if it meets the minimum,
 * goes to the first framework in hierarchical DRF order that no filter blocks; shares are updated
 * before the next agent. With a quota anywhere, {@link QuotaCycle} decides instead. A framework
 * given both reserved and unreserved resources of one agent gets them as one allocation.
 */
final class AllocationCycle {
  private final DrfSorter sorter;
  private final Ledger ledger;
  private final MinAllocatable minimum;
  private final RandomGenerator random;

  private final QuotaCycle quotaCycle;
  private final ReservedOffers reservedOffers;
  private final java.util.Collection<RoleState> quotaRoles;

  AllocationCycle(DrfSorter sorter, ResourceIndex index, Ledger ledger, MinAllocatable minimum,
      RandomGenerator random, java.util.Collection<RoleState> quotaRoles) {
    this.quotaRoles = quotaRoles;
    this.quotaCycle = new QuotaCycle(sorter, index, ledger, minimum, quotaRoles);
    this.reservedOffers = new ReservedOffers(sorter, ledger, minimum);
    this.sorter = sorter;
    this.ledger = ledger;
    this.minimum = minimum;
    this.random = random;
  }

  /**
   * Allocates the free resources of {@code agents} (active ones; the list is shuffled in place).
   *
   * @return the allocations made, in the order they were made, one per framework and agent
   */
  List<Allocation> run(List<AgentState> agents, Instant now) {
    sorter.refreshIfStale();
    shuffle(agents);
    List<Allocation> out = new ArrayList<>();
    for (AgentState agent : agents) {
      agent.filters.expire(now);
    }
    boolean reserved = reservedOffers.run(agents, out);
    if (!quotaRoles.isEmpty()) {
      quotaCycle.run(agents, out);
      return reserved ? merged(out) : out;
    }
    for (AgentState agent : agents) {
      PooledResources free = agent.free.reserved().isEmpty() ? agent.free : PooledResources.of(agent.free.unreserved());
      if (!minimum.allows(free.unreserved())) {
        continue;
      }
      FrameworkState taker = firstUnfiltered(agent, free, now);
      if (taker != null) {
        ledger.grant(taker, agent, free);
        out.add(new Allocation(taker.id, taker.role.name, agent.id, free));
      }
    }
    return reserved ? merged(out) : out;
  }

  /** One allocation per framework, role and agent, in the order of their first. */
  private static List<Allocation> merged(List<Allocation> allocations) {
    Map<List<String>, Allocation> out = new LinkedHashMap<>();
    for (Allocation a : allocations) {
      out.merge(List.of(a.frameworkId(), a.role(), a.agentId()), a,
          (x, y) -> new Allocation(x.frameworkId(), x.role(), x.agentId(), x.resources().plus(y.resources())));
    }
    return new ArrayList<>(out.values());
  }

  /** The first offerable framework, in DRF order, that no filter blocks from {@code free}. */
  private FrameworkState firstUnfiltered(AgentState agent, PooledResources free, Instant now) {
    AgentFilters filters = agent.filters;
    boolean filtered = !filters.isEmpty();
    if (filtered) {
      filters.prepare(free, now);
    }
    return first(sorter.root(), filters, filtered);
  }

  private static FrameworkState first(RoleState node, AgentFilters filters, boolean filtered) {
    if (node.leaf) {
      for (FrameworkState fw : node.offerable) {
        if (!filtered || !filters.blocks(fw)) {
          return fw;
        }
      }
      return null;
    }
    for (RoleState child : node.children) {
      if (child.offerableCount > 0) {
        FrameworkState fw = first(child, filters, filtered);
        if (fw != null) {
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
