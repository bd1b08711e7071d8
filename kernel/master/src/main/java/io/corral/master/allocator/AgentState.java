package io.corral.master.allocator;

import io.corral.common.resources.Resources;
import java.util.HashMap;
import java.util.Map;

/** What the allocator knows about one agent. Mutable, owned by the allocator's thread. */
final class AgentState {
  final String id;
  Resources total;
  boolean active = true;

  /** Allocated resources (offered or used) per framework. */
  final Map<FrameworkState, Resources> allocations = new HashMap<>();
  /** The sum of {@link #allocations}. */
  Resources allocatedSum = Resources.EMPTY;
  /** {@link #total} minus {@link #allocatedSum}, never negative. */
  Resources free;
  final AgentFilters filters = new AgentFilters();

  /** Position in the allocator's agent list (for O(1) removal). */
  int position;
  /** Whether the agent is waiting in the dirty list for the next incremental cycle. */
  boolean dirty;

  AgentState(String id, Resources total) {
    this.id = id;
    this.total = total;
    this.free = total;
  }

  void recomputeFree() {
    free = total.minus(allocatedSum);
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
