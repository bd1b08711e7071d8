package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import java.util.HashMap;
import java.util.Map;

/**
 * What the allocator knows about one agent, pool by pool (unreserved, and reserved per role).
 * Mutable, owned by the allocator's thread.
 */
final class AgentState {
  final String id;
  PooledResources total;
  boolean active = true;

  /** Allocated resources (offered or used) per framework. */
  final Map<FrameworkState, PooledResources> allocations = new HashMap<>();
  /** The sum of {@link #allocations}. */
  PooledResources allocatedSum = PooledResources.EMPTY;
  /**
   * {@link #total} minus {@link #allocatedSum}, never negative. Only {@link Ledger} sets it: what is
   * free of a reservation counts towards its role's guarantee.
   */
  PooledResources free = PooledResources.EMPTY;
  final AgentFilters filters = new AgentFilters();

  /** Position in the allocator's agent list (for O(1) removal). */
  int position;
  /** Whether the agent is waiting in the dirty list for the next incremental cycle. */
  boolean dirty;

  AgentState(String id, PooledResources total) {
    this.id = id;
    this.total = total;
  }

  /** Whether the allocations add up to more than the total (e.g. the total shrank). */
  boolean overcommitted() {
    return !total.contains(allocatedSum);
  }

  @Override
  public String toString() {
    return "agent " + id;
  }
}
