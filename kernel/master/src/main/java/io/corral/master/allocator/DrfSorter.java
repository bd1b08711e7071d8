package io.corral.master.allocator;

import io.corral.common.resources.Resources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The weighted DRF order: roles by ascending weighted dominant share (ties by name), and inside
 * each role its offerable frameworks by ascending dominant share (ties by registration order).
 *
 * <p>Sort keys are cached fields; a key changes only while its owner is out of its sorted set
 * ({@link #changeAllocation} removes, updates, reinserts), so an allocation costs O(log n) and no
 * one sorts whole lists. When the cluster totals change every share is stale; {@link
 * #refreshIfStale} recomputes them all once, at the start of the next cycle.
 */
final class DrfSorter {
  static final double DEFAULT_WEIGHT = 1.0;

  private final ResourceIndex index;
  private final TreeSet<RoleState> roles = new TreeSet<>(DrfSorter::compareRoles);
  private final Map<String, RoleState> roleByName = new HashMap<>();
  private final Map<String, Double> weights = new HashMap<>();
  private long sharesVersion;

  DrfSorter(ResourceIndex index) {
    this.index = index;
    this.sharesVersion = index.version();
  }

  static int compareFrameworks(FrameworkState a, FrameworkState b) {
    int c = Double.compare(a.share, b.share);
    return c != 0 ? c : Long.compare(a.seq, b.seq);
  }

  static int compareRoles(RoleState a, RoleState b) {
    int c = Double.compare(a.weightedShare, b.weightedShare);
    return c != 0 ? c : a.name.compareTo(b.name);
  }

  /** Roles that have at least one framework, in allocation order. Do not modify. */
  NavigableSet<RoleState> roles() {
    return roles;
  }

  /** The role of that name, created (empty, not yet ordered) if needed. */
  RoleState role(String name) {
    return roleByName.computeIfAbsent(name, n -> new RoleState(n, weight(n)));
  }

  RoleState existingRole(String name) {
    return roleByName.get(name);
  }

  List<RoleState> allRoles() {
    return new ArrayList<>(roleByName.values());
  }

  double weight(String role) {
    return weights.getOrDefault(role, DEFAULT_WEIGHT);
  }

  void setWeight(String role, double weight) {
    if (weight == DEFAULT_WEIGHT) {
      weights.remove(role);
    } else {
      weights.put(role, weight);
    }
    RoleState r = roleByName.get(role);
    if (r != null) {
      boolean ordered = roles.remove(r);
      r.weight = weight;
      r.weightedShare = index.share(r.allocated) / weight;
      if (ordered) {
        roles.add(r);
      }
    }
  }

  /** Adds a framework that holds nothing yet to its role (and to the order if offerable). */
  void add(FrameworkState fw) {
    RoleState role = fw.role;
    if (role.members.isEmpty()) {
      role.weightedShare = index.share(role.allocated) / role.weight;
      roles.add(role);
    }
    role.members.add(fw);
    fw.share = index.share(fw.allocated);
    syncOfferable(fw);
  }

  /** Removes a framework whose allocations were already released; drops an empty role. */
  void remove(FrameworkState fw) {
    RoleState role = fw.role;
    if (fw.inOrder) {
      role.offerable.remove(fw);
      fw.inOrder = false;
    }
    role.members.remove(fw);
    if (role.members.isEmpty()) {
      roles.remove(role);
      roleByName.remove(role.name);
    }
  }

  /** Puts the framework in or out of its role's order after active/suppressed changed. */
  void syncOfferable(FrameworkState fw) {
    boolean want = fw.offerable();
    if (want && !fw.inOrder) {
      fw.role.offerable.add(fw);
    } else if (!want && fw.inOrder) {
      fw.role.offerable.remove(fw);
    }
    fw.inOrder = want;
  }

  /** Adds ({@code sign = 1}) or removes ({@code sign = -1}) resources and repositions. */
  void changeAllocation(FrameworkState fw, Resources delta, int sign) {
    RoleState role = fw.role;
    if (fw.inOrder) {
      role.offerable.remove(fw);
    }
    boolean roleOrdered = roles.remove(role);
    fw.allocated = index.add(fw.allocated, delta, sign);
    role.allocated = index.add(role.allocated, delta, sign);
    fw.share = index.share(fw.allocated);
    role.weightedShare = index.share(role.allocated) / role.weight;
    if (roleOrdered) {
      roles.add(role);
    }
    if (fw.inOrder) {
      role.offerable.add(fw);
    }
  }

  /** Recomputes every share and rebuilds both orders, if the totals changed since last time. */
  void refreshIfStale() {
    if (sharesVersion == index.version()) {
      return;
    }
    roles.clear();
    for (RoleState role : roleByName.values()) {
      role.offerable.clear();
      for (FrameworkState fw : role.members) {
        fw.share = index.share(fw.allocated);
        if (fw.inOrder) {
          role.offerable.add(fw);
        }
      }
      role.weightedShare = index.share(role.allocated) / role.weight;
      roles.add(role);
    }
    sharesVersion = index.version();
  }
}
