package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import java.util.HashMap;
import java.util.Map;

/**
 * What the allocator knows about one framework in one of its roles: a client of that role in the DRF
 * tree (a framework of several roles, Mesos' MULTI_ROLE, has one per role; its offers, filters,
 * suppression and allocations are each role's own). Mutable, owned by the allocator's thread.
 *
 * <p>{@link #share} is the sort key in its role's order: it changes only while the framework is
 * out of that order (see {@link DrfSorter}).
 */
final class FrameworkState {
  final String id;
  final RoleState role;
  /** Registration order: the tie-break between equal shares. */
  final long seq;
  /** A small number, reused after removal: this framework's slot in per-agent filter arrays. */
  final int index;

  boolean active = true;
  boolean suppressed;
  /**
   * The framework left this role (an update or a re-subscription without it): no offers; what its
   * tasks hold still counts here until they end, then the client is dropped.
   */
  boolean retired;
  /** Whether this framework is currently in its role's order of offerable frameworks. */
  boolean inOrder;

  /** Allocated resources (offered or used) per agent. */
  final Map<AgentState, PooledResources> allocations = new HashMap<>();
  /** The sum of {@link #allocations} as a vector over {@link ResourceIndex} (thousandths). */
  long[] allocated = new long[0];
  /** Dominant share, cached; the sort key. */
  double share;
  /** The number of agents holding a filter of this framework. */
  int filteredAgents;

  FrameworkState(String id, RoleState role, long seq, int index) {
    this.id = id;
    this.role = role;
    this.seq = seq;
    this.index = index;
  }

  /** Whether the framework may receive offers at all (filters aside). */
  boolean offerable() {
    return active && !suppressed && !retired;
  }

  @Override
  public String toString() {
    return "framework " + id + " in role " + role.name;
  }
}
