package io.corral.master.allocator;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One node of the role tree (Mesos' hierarchical sorter). A role {@code eng/etl} is a node under
 * {@code eng}, under the root. The frameworks of a role hang from a leaf of their own, a child of
 * the role's node ({@link #leaf}), so that a role's own frameworks and its sub-roles are sorted
 * together as siblings. Mutable, owned by the allocator's thread.
 *
 * <p>{@link #weightedShare} is the sort key among siblings and changes only while the node is
 * out of its parent's {@link #children} (see {@link DrfSorter}).
 */
final class RoleState {
  /** The role's full name ({@code "eng/etl"}); the root's is empty. */
  final String name;
  final RoleState parent;
  /** Whether this node holds frameworks (the leaf of role {@link #name}) rather than sub-roles. */
  final boolean leaf;
  double weight;

  /** Frameworks of the role, offerable or not (leaves only): their allocations count. */
  final Set<FrameworkState> members = new HashSet<>();
  /** Active, unsuppressed frameworks, by ascending dominant share then registration (leaves only). */
  final TreeSet<FrameworkState> offerable = new TreeSet<>(DrfSorter::compareFrameworks);
  /** Child nodes by ascending weighted share, then name (inner nodes only). */
  final TreeSet<RoleState> children = new TreeSet<>(DrfSorter::compareRoles);
  /** Sub-roles by their last name component (inner nodes only). */
  final Map<String, RoleState> subRoles = new HashMap<>();
  /** The leaf holding this role's own frameworks, or null while it has none. */
  RoleState ownLeaf;

  /** Sum of the allocations in this subtree (thousandths over {@link ResourceIndex}). */
  long[] allocated = new long[0];
  /**
   * What is reserved to this role or its sub-roles and allocated to no one, on all agents
   * (thousandths over {@link ResourceIndex}): it is the role's whatever happens, so it counts towards
   * its guarantee and limit (Mesos' quota consumption), though not towards its share.
   */
  long[] reservedFree = new long[0];
  /** Dominant share of {@link #allocated}, divided by {@link #weight}; the sort key. */
  double weightedShare;
  /** Offerable frameworks in this subtree: a walk skips a subtree without any. */
  int offerableCount;
  /** Frameworks in this subtree. */
  int frameworkCount;

  /** What the role gets whenever it has demand (thousandths), or null for no guarantee. */
  long[] guarantee;
  /** What the role never exceeds (thousandths; -1 = no limit on that resource), or null for none. */
  long[] limit;

  RoleState(String name, RoleState parent, boolean leaf, double weight) {
    this.name = name;
    this.parent = parent;
    this.leaf = leaf;
    this.weight = weight;
  }

  boolean isRoot() {
    return parent == null;
  }

  /** The nearest node at or above this one with a guarantee, or null. */
  RoleState guaranteed() {
    for (RoleState r = leaf ? parent : this; r != null; r = r.parent) {
      if (r.guarantee != null) {
        return r;
      }
    }
    return null;
  }

  /** The top-most node at or above this one with a guarantee (whose guarantee covers this one's), or null. */
  RoleState topGuaranteed() {
    RoleState top = null;
    for (RoleState r = leaf ? parent : this; r != null; r = r.parent) {
      if (r.guarantee != null) {
        top = r;
      }
    }
    return top;
  }

  /** What this role lacks of resource {@code i} to reach its guarantee (0 without one). */
  long lacking(int i) {
    if (guarantee == null || i >= guarantee.length) {
      return 0;
    }
    return Math.max(0, guarantee[i] - consumed(i));
  }

  /**
   * What counts of resource {@code i} towards this role's guarantee and limit: what it and its
   * sub-roles hold (offered or used), and what is reserved to them and free.
   */
  long consumed(int i) {
    return (i < allocated.length ? allocated[i] : 0) + (i < reservedFree.length ? reservedFree[i] : 0);
  }

  /** Whether this role lacks any guaranteed resource. */
  boolean belowGuarantee() {
    if (guarantee == null) {
      return false;
    }
    for (int i = 0; i < guarantee.length; i++) {
      if (lacking(i) > 0) {
        return true;
      }
    }
    return false;
  }

  /** Whether nothing keeps this inner node: no frameworks, sub-roles, quota or weight of its own. */
  boolean unused() {
    return !leaf && !isRoot() && frameworkCount == 0 && subRoles.isEmpty() && ownLeaf == null
        && guarantee == null && limit == null && java.util.Arrays.stream(reservedFree).allMatch(v -> v == 0);
  }

  @Override
  public String toString() {
    return (leaf ? "role leaf " : "role ") + name;
  }
}
