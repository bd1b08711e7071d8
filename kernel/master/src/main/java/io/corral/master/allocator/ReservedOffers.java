package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import io.corral.common.resources.Resources;
import java.util.List;
import java.util.Map;

/**
 * The first stage of every cycle: each agent's free reservations, a role's whole free reservation
 * on the agent to the first framework in DRF order, inside the role's subtree (the role's own
 * frameworks and its sub-roles'), that no filter blocks, if it meets the minimum. Neither limits nor
 * the quota headroom apply: a role's reservations count towards its guarantee and limit whether
 * allocated or not, so offering them changes neither.
 */
final class ReservedOffers {
  private final DrfSorter sorter;
  private final Ledger ledger;
  private final MinAllocatable minimum;

  ReservedOffers(DrfSorter sorter, Ledger ledger, MinAllocatable minimum) {
    this.sorter = sorter;
    this.ledger = ledger;
    this.minimum = minimum;
  }

  /**
   * Offers the free reservations of {@code agents} (filters already expired), adding to {@code out}.
   *
   * @return whether anything was offered
   */
  boolean run(List<AgentState> agents, List<Allocation> out) {
    boolean any = false;
    for (AgentState agent : agents) {
      if (agent.free.reserved().isEmpty()) {
        continue;
      }
      for (Map.Entry<String, Resources> e : List.copyOf(agent.free.reserved().entrySet())) {
        Resources pool = e.getValue();
        RoleState node = sorter.existingNode(e.getKey());
        if (node == null || !minimum.allows(pool)) {
          continue;
        }
        PooledResources offer = PooledResources.reserved(e.getKey(), pool);
        FrameworkState taker = first(node, agent, offer);
        if (taker != null) {
          ledger.grant(taker, agent, offer);
          out.add(new Allocation(taker.id, taker.role.name, agent.id, offer));
          any = true;
        }
      }
    }
    return any;
  }

  /** The first offerable framework under {@code node}, in DRF order, that no filter blocks from {@code pool}. */
  private static FrameworkState first(RoleState node, AgentState agent, PooledResources pool) {
    if (node.offerableCount == 0) {
      return null;
    }
    if (node.leaf) {
      for (FrameworkState fw : node.offerable) {
        if (!agent.filters.refuses(fw, pool)) {
          return fw;
        }
      }
      return null;
    }
    for (RoleState child : node.children) {
      FrameworkState fw = first(child, agent, pool);
      if (fw != null) {
        return fw;
      }
    }
    return null;
  }
}
