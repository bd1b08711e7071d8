package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import io.corral.common.resources.RangeSet;
import io.corral.common.resources.Resources;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The allocation pass when some role has a quota (Mesos' quota-aware {@code __allocate}). Two
 * stages over the same shuffled agents:
 *
 * <ol>
 *   <li><b>Guarantees.</b> Roles below their guarantee that have demand (an offerable framework
 *       in them) are offered what they lack of the guaranteed resources, in DRF order inside
 *       each such role.
 *   <li><b>Fair share.</b> Weighted DRF over the whole role tree, as without quotas.
 * </ol>
 *
 * Both stages offer the unreserved pool only (reservations went first, see {@link ReservedOffers}).
 * In both stages an offer is a slice of an agent's free resources: never past the limit of the
 * role or of an ancestor (a limit counts what is offered as well as what is used; a role at its
 * limit in any limited resource gets nothing in the fair-share stage), and never into the <i>headroom</i>, the
 * unallocated resources that the roles below their guarantee still lack (Mesos' quota
 * headroom): what one role is offered leaves enough unallocated in the cluster to meet every
 * other role's guarantee. A slice that falls short of the {@link MinAllocatable minimum} is not
 * offered; what a slice leaves on the agent goes to the next framework in order.
 */
final class QuotaCycle {
  /** No cap on a resource. */
  private static final long UNLIMITED = Long.MAX_VALUE;

  private final DrfSorter sorter;
  private final ResourceIndex index;
  private final Ledger ledger;
  private final MinAllocatable minimum;
  private final Collection<RoleState> quotaRoles;

  /** Per resource: the cluster's unallocated unreserved amount minus the headroom (may be negative). */
  private long[] spare;
  /** The roles with a guarantee and no guaranteed ancestor: their lack is the headroom. */
  private final List<RoleState> tops = new ArrayList<>();
  /** Stage 1: the tops below their guarantee with demand, least served first. */
  private final List<RoleState> lacking = new ArrayList<>();

  QuotaCycle(DrfSorter sorter, ResourceIndex index, Ledger ledger, MinAllocatable minimum,
      Collection<RoleState> quotaRoles) {
    this.sorter = sorter;
    this.index = index;
    this.ledger = ledger;
    this.minimum = minimum;
    this.quotaRoles = quotaRoles;
  }

  /** Runs both stages over {@code agents} (already shuffled, filters expired), adding to {@code out}. */
  void run(List<AgentState> agents, List<Allocation> out) {
    start();
    if (!tops.isEmpty()) {
      lacking.clear();
      for (RoleState top : tops) {
        if (top.offerableCount > 0 && top.belowGuarantee()) {
          lacking.add(top);
        }
      }
      lacking.sort(DrfSorter::compareRoles);
      for (AgentState agent : agents) {
        if (lacking.isEmpty()) {
          break;
        }
        allocateGuarantees(agent, out);
      }
    }
    for (AgentState agent : agents) {
      allocate(agent, out, null, new ArrayList<>(2));
    }
  }

  private void start() {
    tops.clear();
    for (RoleState r : quotaRoles) {
      if (r.guarantee != null && r.parent.guaranteed() == null) {
        tops.add(r);
      }
    }
    int n = index.size();
    RoleState root = sorter.root();
    spare = new long[n];
    for (int i = 0; i < n; i++) {
      spare[i] = index.total(i) - root.consumed(i);
      for (RoleState top : tops) {
        spare[i] -= top.lacking(i);
      }
    }
  }

  /**
   * Stage 1 on one agent: the roles below their guarantee, least served first. Only the role
   * served changes its share, so the list stays sorted by moving that one role.
   */
  private void allocateGuarantees(AgentState agent, List<Allocation> out) {
    List<FrameworkState> served = new ArrayList<>(2);
    for (int i = 0; i < lacking.size() && minimum.allows(agent.free.unreserved()); ) {
      RoleState top = lacking.get(i);
      if (!allocate(agent, out, top, served)) {
        i++;
        continue;
      }
      lacking.remove(i);
      if (top.offerableCount > 0 && top.belowGuarantee()) {
        int at = java.util.Collections.binarySearch(lacking, top, DrfSorter::compareRoles);
        lacking.add(at < 0 ? -at - 1 : at, top);
      }
      // Roles before position i took nothing here and still come first; go on from the start.
      i = 0;
    }
  }

  /**
   * Offers slices of {@code agent}'s free resources, one framework after another (none twice: see
   * {@code served}), while what is left is worth offering. With {@code guaranteed} set (stage 1),
   * one slice at most, to that role's subtree, capped at what it lacks of its guarantee.
   *
   * @return whether a slice was offered
   */
  private boolean allocate(AgentState agent, List<Allocation> out, RoleState guaranteed,
      List<FrameworkState> served) {
    int before = served.size();
    while (minimum.allows(agent.free.unreserved())) {
      Choice choice = guaranteed == null
          ? walk(sorter.root(), agent, served, unlimited(), null)
          : walkFrom(guaranteed, agent, served);
      if (choice == null) {
        break;
      }
      RoleState top = choice.fw.role.topGuaranteed();
      long[] lackBefore = top == null ? null : lack(top);
      PooledResources offer = choice.offer == agent.free.unreserved() && agent.free.reserved().isEmpty()
          ? agent.free : PooledResources.of(choice.offer);
      ledger.grant(choice.fw, agent, offer);
      served.add(choice.fw);
      out.add(new Allocation(choice.fw.id, choice.fw.role.name, agent.id, offer));
      // The slice left the unallocated pool; what it gave the role's guarantee leaves the headroom too.
      for (Map.Entry<String, Long> e : choice.offer.scalarMillis().entrySet()) {
        int i = index.indexOf(e.getKey());
        grow(i);
        spare[i] -= e.getValue();
        if (lackBefore != null && i < lackBefore.length) {
          spare[i] += lackBefore[i] - top.lacking(i);
        }
      }
      if (guaranteed != null) {
        break; // stage 1: one slice per role and agent, then the next role in order
      }
    }
    return served.size() > before;
  }

  /** Stage 1 inside {@code top}: the limits above it apply, and its subtree's guarantees cap the slices. */
  private Choice walkFrom(RoleState top, AgentState agent, List<FrameworkState> served) {
    long[] cap = unlimited();
    for (RoleState r = top.parent; r != null; r = r.parent) {
      cap = capByLimit(r, cap, true);
      if (cap == null) {
        return null;
      }
    }
    return walk(top, agent, served, cap, unlimited());
  }

  /**
   * The first framework, in DRF order under {@code node}, that may be offered a slice of the
   * agent's free resources, with the slice.
   *
   * @param cap per resource, the most the limits above allow
   * @param lack per resource, the most the guarantees above still lack (stage 1), or null (stage 2)
   */
  private Choice walk(RoleState node, AgentState agent, List<FrameworkState> served, long[] cap, long[] lack) {
    if (node.offerableCount == 0) {
      return null;
    }
    if (!node.leaf) {
      cap = capByLimit(node, cap, lack != null);
      if (cap == null) {
        return null;
      }
      if (lack != null && node.guarantee != null) {
        lack = lack.clone();
        for (int i = 0; i < node.guarantee.length; i++) {
          if (node.guarantee[i] > 0) {
            lack[i] = Math.min(lack[i], node.lacking(i));
          }
        }
      }
      for (RoleState child : node.children) {
        Choice c = walk(child, agent, served, cap, lack);
        if (c != null) {
          return c;
        }
      }
      return null;
    }
    RoleState top = node.topGuaranteed();
    for (FrameworkState fw : node.offerable) {
      if (served.contains(fw)) {
        continue;
      }
      Resources offer = slice(agent.free.unreserved(), cap, lack, top);
      if (offer != null && !agent.filters.refuses(fw, PooledResources.of(offer))) {
        return new Choice(fw, offer);
      }
    }
    return null;
  }

  /**
   * {@code cap} narrowed by {@code node}'s limit. In the fair-share stage, null if the node is at
   * its limit in any resource: what it could still take (say memory without cpus) would only keep
   * the rest of the agent from others.
   */
  private static long[] capByLimit(RoleState node, long[] cap, boolean guaranteeStage) {
    if (node.limit == null) {
      return cap;
    }
    long[] out = cap.clone();
    for (int i = 0; i < node.limit.length; i++) {
      if (node.limit[i] < 0) {
        continue;
      }
      long room = Math.max(0, node.limit[i] - node.consumed(i));
      if (room == 0 && !guaranteeStage) {
        return null;
      }
      if (i < out.length) {
        out[i] = Math.min(out[i], room);
      }
    }
    return out;
  }

  /**
   * The slice of {@code free} a framework under {@code top} may be offered, or null if it is not
   * worth offering (or, in stage 1, holds none of what the guarantee lacks).
   */
  private Resources slice(Resources free, long[] cap, long[] lack, RoleState top) {
    Resources.Builder b = Resources.builder();
    boolean whole = true;
    boolean guaranteed = lack == null;
    for (Map.Entry<String, Long> e : free.scalarMillis().entrySet()) {
      int i = index.indexOf(e.getKey());
      grow(i);
      long amount = e.getValue();
      long most = i < cap.length ? cap[i] : UNLIMITED;
      // What the headroom of other roles leaves (a role's own lack is its own headroom).
      long unclaimed = Math.max(0, spare[i] + (top == null ? 0 : top.lacking(i)));
      if (lack != null && i < lack.length && lack[i] != UNLIMITED) {
        // Stage 1, a guaranteed resource: what the guarantee lacks, more if no one else needs it.
        guaranteed |= Math.min(most, lack[i]) > 0;
        most = Math.min(most, Math.max(lack[i], unclaimed));
      } else {
        most = Math.min(most, unclaimed);
      }
      if (most < amount) {
        whole = false;
        amount = most;
      }
      if (amount > 0) {
        b.scalar(e.getKey(), amount / 1000.0);
      }
    }
    if (!guaranteed) {
      return null;
    }
    if (whole) {
      return minimum.allows(free) ? free : null;
    }
    for (Map.Entry<String, RangeSet> e : free.rangeResources().entrySet()) {
      b.ranges(e.getKey(), e.getValue());
    }
    Resources offer = b.build();
    return minimum.allows(offer) ? offer : null;
  }

  private long[] lack(RoleState role) {
    long[] out = new long[index.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = role.lacking(i);
    }
    return out;
  }

  private long[] unlimited() {
    long[] out = new long[index.size()];
    Arrays.fill(out, UNLIMITED);
    return out;
  }

  private void grow(int i) {
    if (i >= spare.length) {
      spare = Arrays.copyOf(spare, i + 1);
    }
  }

  private record Choice(FrameworkState fw, Resources offer) {}
}
