package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import io.corral.common.resources.Resources;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Allocation bookkeeping: what each framework holds on each agent, kept the same from both
 * sides (agent and framework), with the agents' free resources, the DRF order and the roles' free
 * reservations updated on every change.
 */
final class Ledger {
  private final DrfSorter sorter;

  Ledger(DrfSorter sorter) {
    this.sorter = sorter;
  }

  /** Counts {@code resources} as allocated to {@code fw} on {@code agent}. */
  void grant(FrameworkState fw, AgentState agent, PooledResources resources) {
    boolean wholeFree = resources == agent.free;
    agent.allocations.merge(fw, resources, PooledResources::plus);
    fw.allocations.merge(agent, resources, PooledResources::plus);
    agent.allocatedSum = agent.allocatedSum.plus(resources);
    setFree(agent, wholeFree ? PooledResources.EMPTY : agent.total.minus(agent.allocatedSum));
    sorter.changeAllocation(fw, resources.all(), 1);
  }

  /**
   * Returns resources that {@code fw} holds on {@code agent}. Only what it holds is returned:
   * the request is clamped to the allocation.
   *
   * @return what was actually returned (possibly empty)
   */
  PooledResources release(FrameworkState fw, AgentState agent, PooledResources requested) {
    PooledResources held = agent.allocations.get(fw);
    if (held == null || requested.isEmpty()) {
      return PooledResources.EMPTY;
    }
    PooledResources released = held.contains(requested) ? requested : held.minus(held.minus(requested));
    if (released.isEmpty()) {
      return PooledResources.EMPTY;
    }
    // Returning everything is the common case: skip building empty bags.
    PooledResources left = released.equals(held) ? PooledResources.EMPTY : held.minus(released);
    if (left.isEmpty()) {
      agent.allocations.remove(fw);
      fw.allocations.remove(agent);
    } else {
      agent.allocations.put(fw, left);
      fw.allocations.put(agent, left);
    }
    agent.allocatedSum = released.equals(agent.allocatedSum)
        ? PooledResources.EMPTY : agent.allocatedSum.minus(released);
    setFree(agent, agent.total.minus(agent.allocatedSum));
    sorter.changeAllocation(fw, released.all(), -1);
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

  /** A new agent: all of it is free. */
  void addAgent(AgentState agent) {
    setFree(agent, agent.total);
  }

  /** The agent's total changed (reconfigured, or reserved differently): its free resources follow. */
  void changeTotal(AgentState agent, PooledResources total) {
    agent.total = total;
    setFree(agent, total.minus(agent.allocatedSum));
  }

  /** Forgets everything allocated on {@code agent}, and its free reservations (the agent is going away). */
  void releaseAgent(AgentState agent) {
    for (Map.Entry<FrameworkState, PooledResources> e : List.copyOf(agent.allocations.entrySet())) {
      release(e.getKey(), agent, e.getValue());
    }
    setFree(agent, PooledResources.EMPTY);
  }

  /** Sets the agent's free resources; what changes of its free reservations changes their roles' too. */
  private void setFree(AgentState agent, PooledResources free) {
    Map<String, Resources> before = agent.free.reserved();
    Map<String, Resources> after = free.reserved();
    if (!before.isEmpty() || !after.isEmpty()) {
      Set<String> roles = new HashSet<>(before.keySet());
      roles.addAll(after.keySet());
      for (String role : roles) {
        Resources was = before.getOrDefault(role, Resources.EMPTY);
        Resources is = after.getOrDefault(role, Resources.EMPTY);
        if (!was.equals(is)) {
          sorter.changeReservedFree(role, is, 1);
          sorter.changeReservedFree(role, was, -1);
        }
      }
    }
    agent.free = free;
  }
}
