package io.corral.master.allocator;

import io.corral.common.resources.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Allocation bookkeeping: what each framework holds on each agent, kept the same from both
 * sides (agent and framework), with the agents' free resources and the DRF order updated on
 * every change.
 */
final class Ledger {
  private final DrfSorter sorter;

  Ledger(DrfSorter sorter) {
    this.sorter = sorter;
  }

  /** Counts {@code resources} as allocated to {@code fw} on {@code agent}. */
  void grant(FrameworkState fw, AgentState agent, Resources resources) {
    boolean wholeFree = resources == agent.free;
    agent.allocations.merge(fw, resources, Resources::plus);
    fw.allocations.merge(agent, resources, Resources::plus);
    agent.allocatedSum = agent.allocatedSum.plus(resources);
    if (wholeFree) {
      agent.free = Resources.EMPTY;
    } else {
      agent.recomputeFree();
    }
    sorter.changeAllocation(fw, resources, 1);
  }

  /**
   * Returns resources that {@code fw} holds on {@code agent}. Only what it holds is returned:
   * the request is clamped to the allocation.
   *
   * @return what was actually returned (possibly empty)
   */
  Resources release(FrameworkState fw, AgentState agent, Resources requested) {
    Resources held = agent.allocations.get(fw);
    if (held == null || requested.isEmpty()) {
      return Resources.EMPTY;
    }
    Resources released = held.contains(requested) ? requested : held.minus(held.minus(requested));
    if (released.isEmpty()) {
      return Resources.EMPTY;
    }
    // Returning everything is the common case: skip building empty bags.
    Resources left = released.equals(held) ? Resources.EMPTY : held.minus(released);
    if (left.isEmpty()) {
      agent.allocations.remove(fw);
      fw.allocations.remove(agent);
    } else {
      agent.allocations.put(fw, left);
      fw.allocations.put(agent, left);
    }
    agent.allocatedSum =
        released.equals(agent.allocatedSum) ? Resources.EMPTY : agent.allocatedSum.minus(released);
    agent.recomputeFree();
    sorter.changeAllocation(fw, released, -1);
    return released;
  }

  /**
   * Releases everything {@code fw} holds.
   *
   * @return the agents whose free resources grew
   */
  List<AgentState> releaseAll(FrameworkState fw) {
    List<AgentState> touched = new ArrayList<>(fw.allocations.keySet());
    for (AgentState agent : touched) {
      release(fw, agent, fw.allocations.get(agent));
    }
    return touched;
  }

  /** Forgets everything allocated on {@code agent} (the agent is going away). */
  void releaseAgent(AgentState agent) {
    for (Map.Entry<FrameworkState, Resources> e : List.copyOf(agent.allocations.entrySet())) {
      release(e.getKey(), agent, e.getValue());
    }
  }
}
