package io.corral.master.allocator;

import io.corral.common.resources.Resources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hierarchical weighted DRF order (Mesos' hierarchical sorter): at every node of the role
 * tree, its children by ascending weighted dominant share (ties by name), and inside each role's
 * leaf its offerable frameworks by ascending dominant share (ties by registration order). A
 * role's share counts its sub-roles' allocations; weights compare siblings only.
 *
 * <p>Sort keys are cached fields; a key changes only while its owner is out of its sorted set
 * ({@link #changeAllocation} removes, updates and reinserts each node on the way to the root), so
 * an allocation costs O(depth · log n) and no one sorts whole lists. When the cluster totals
 * change every share is stale; {@link #refreshIfStale} recomputes them all once, at the start of
 * the next cycle.
 */
final class DrfSorter {
  static final double DEFAULT_WEIGHT = 1.0;

  private final ResourceIndex index;
  private final RoleState root = new RoleState("", null, false, DEFAULT_WEIGHT);
  /** Inner nodes by role name (leaves are reached through {@link RoleState#ownLeaf}). */
  private final Map<String, RoleState> nodes = new HashMap<>();
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
    if (c != 0) {
      return c;
    }
    c = a.name.compareTo(b.name);
    return c != 0 ? c : Boolean.compare(!a.leaf, !b.leaf); // a role's own leaf before its sub-roles
  }

  /** The root of the role tree; its allocation is the whole cluster's. */
  RoleState root() {
    return root;
  }

  /** The leaf of role {@code name} (where its frameworks hang), created with its ancestors if needed. */
  RoleState role(String name) {
    RoleState node = node(name);
    if (node.ownLeaf == null) {
      RoleState leaf = new RoleState(name, node, true, DEFAULT_WEIGHT);
      node.ownLeaf = leaf;
      node.children.add(leaf);
    }
    return node.ownLeaf;
  }

  /** The inner node of role {@code name}, created with its ancestors if needed. */
  RoleState node(String name) {
    RoleState node = nodes.get(name);
    if (node != null) {
      return node;
    }
    int slash = name.lastIndexOf('/');
    RoleState parent = slash < 0 ? root : node(name.substring(0, slash));
    node = new RoleState(name, parent, false, weight(name));
    parent.subRoles.put(name.substring(slash + 1), node);
    parent.children.add(node);
    nodes.put(name, node);
    return node;
  }

  RoleState existingNode(String name) {
    return nodes.get(name);
  }

  /** Every role's inner node. */
  List<RoleState> allNodes() {
    return new ArrayList<>(nodes.values());
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
    RoleState r = nodes.get(role);
    if (r != null) {
      reposition(r, () -> r.weight = weight);
    }
  }

  /** Adds a framework that holds nothing yet to its role's leaf (and to the order if offerable). */
  void add(FrameworkState fw) {
    RoleState leaf = fw.role;
    leaf.members.add(fw);
    for (RoleState r = leaf; r != null; r = r.parent) {
      r.frameworkCount++;
    }
    fw.share = index.share(fw.allocated);
    syncOfferable(fw);
  }

  /** Removes a framework whose allocations were already released; drops nodes nothing keeps. */
  void remove(FrameworkState fw) {
    if (fw.inOrder) {
      fw.role.offerable.remove(fw);
      fw.inOrder = false;
      countOfferable(fw.role, -1);
    }
    RoleState leaf = fw.role;
    leaf.members.remove(fw);
    for (RoleState r = leaf; r != null; r = r.parent) {
      r.frameworkCount--;
    }
    if (leaf.members.isEmpty()) {
      leaf.parent.children.remove(leaf);
      leaf.parent.ownLeaf = null;
      prune(leaf.parent);
    }
  }

  /** Drops {@code node} and then its ancestors while nothing keeps them. */
  void prune(RoleState node) {
    for (RoleState r = node; r != null && r.unused(); r = r.parent) {
      r.parent.children.remove(r);
      r.parent.subRoles.remove(r.name.substring(r.name.lastIndexOf('/') + 1));
      nodes.remove(r.name);
    }
  }

  /** Puts the framework in or out of its role's order after active/suppressed changed. */
  void syncOfferable(FrameworkState fw) {
    boolean want = fw.offerable();
    if (want && !fw.inOrder) {
      fw.role.offerable.add(fw);
      countOfferable(fw.role, 1);
    } else if (!want && fw.inOrder) {
      fw.role.offerable.remove(fw);
      countOfferable(fw.role, -1);
    }
    fw.inOrder = want;
  }

  private static void countOfferable(RoleState leaf, int delta) {
    for (RoleState r = leaf; r != null; r = r.parent) {
      r.offerableCount += delta;
    }
  }

  /** Adds ({@code sign = 1}) or removes ({@code sign = -1}) resources and repositions. */
  void changeAllocation(FrameworkState fw, Resources delta, int sign) {
    RoleState leaf = fw.role;
    if (fw.inOrder) {
      leaf.offerable.remove(fw);
    }
    fw.allocated = index.add(fw.allocated, delta, sign);
    fw.share = index.share(fw.allocated);
    if (fw.inOrder) {
      leaf.offerable.add(fw);
    }
    for (RoleState r = leaf; r != null; r = r.parent) {
      RoleState node = r;
      reposition(node, () -> node.allocated = index.add(node.allocated, delta, sign));
    }
  }

  /**
   * Adds ({@code sign = 1}) or removes ({@code sign = -1}) free resources reserved to {@code role},
   * on the role's node and its ancestors (the node is created if needed, and dropped when nothing
   * keeps it any more). Shares do not change: nothing is allocated.
   */
  void changeReservedFree(String role, Resources delta, int sign) {
    RoleState node = node(role);
    for (RoleState r = node; r != null; r = r.parent) {
      r.reservedFree = index.add(r.reservedFree, delta, sign);
    }
    if (sign < 0) {
      prune(node);
    }
  }

  /** Changes a node's key with {@code change} while it is out of its parent's order. */
  private void reposition(RoleState node, Runnable change) {
    boolean ordered = node.parent != null && node.parent.children.remove(node);
    change.run();
    node.weightedShare = index.share(node.allocated) / node.weight;
    if (ordered) {
      node.parent.children.add(node);
    }
  }

  /** Recomputes every share and rebuilds every order, if the totals changed since last time. */
  void refreshIfStale() {
    if (sharesVersion == index.version()) {
      return;
    }
    refresh(root);
    sharesVersion = index.version();
  }

  private void refresh(RoleState node) {
    node.weightedShare = index.share(node.allocated) / node.weight;
    if (node.leaf) {
      node.offerable.clear();
      for (FrameworkState fw : node.members) {
        fw.share = index.share(fw.allocated);
        if (fw.inOrder) {
          node.offerable.add(fw);
        }
      }
      return;
    }
    List<RoleState> kids = new ArrayList<>(node.children);
    node.children.clear();
    for (RoleState child : kids) {
      refresh(child);
      node.children.add(child);
    }
  }
}
