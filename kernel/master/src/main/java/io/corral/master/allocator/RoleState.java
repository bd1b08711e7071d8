package io.corral.master.allocator;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * One role: its weight, its frameworks, and the sum of their allocations. Mutable, owned by the
 * allocator's thread. {@link #weightedShare} is the sort key among roles and changes only while
 * the role is out of the roles order (see {@link DrfSorter}).
 */
final class RoleState {
  final String name;
  double weight;
  /** All frameworks of the role, offerable or not: their allocations count. */
  final Set<FrameworkState> members = new HashSet<>();
  /** Active, unsuppressed frameworks, by ascending dominant share then registration. */
  final TreeSet<FrameworkState> offerable = new TreeSet<>(DrfSorter::compareFrameworks);
  /** Sum of the members' allocations (thousandths over {@link ResourceIndex}). */
  long[] allocated = new long[0];
  /** Dominant share of {@link #allocated}, divided by {@link #weight}; the sort key. */
  double weightedShare;

  RoleState(String name, double weight) {
    this.name = name;
    this.weight = weight;
  }

  @Override
  public String toString() {
    return "role " + name;
  }
}
