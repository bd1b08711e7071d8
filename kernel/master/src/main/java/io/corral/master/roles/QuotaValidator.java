package io.corral.master.roles;

import io.corral.common.roles.RoleNames;
import io.corral.common.resources.Resources;
import java.util.Map;

/**
 * Whether a quota may be set, given the others (Mesos' quota rules, for a tree of roles):
 *
 * <ul>
 *   <li>a guarantee is within its own limit, and within every ancestor's limit;
 *   <li>a limit is within every ancestor's limit, and every descendant's limit within it;
 *   <li>the guarantees of a role's nearest guaranteed descendants sum to no more than its own
 *       guarantee (a parent's guarantee covers its children's);
 *   <li>unless forced, the top-most guarantees sum to no more than the cluster's capacity.
 * </ul>
 *
 * A resource a limit does not name is not limited; a resource a guarantee does not name is not
 * guaranteed.
 */
public final class QuotaValidator {
  private QuotaValidator() {}

  /**
   * Why {@code role} may not have {@code quota} (one line), or null if it may.
   *
   * @param current the quotas now
   * @param capacity the cluster's total resources now
   * @param force whether to skip the capacity check
   */
  public static String problem(RoleSettings current, String role, Quota quota, Resources capacity, boolean force) {
    String bad = RoleNames.problem(role);
    if (bad != null) {
      return bad;
    }
    if (role.equals(RoleNames.DEFAULT)) {
      return "the default role '*' cannot have a quota";
    }
    String over = exceeding(quota.guarantee(), quota.limit());
    if (over != null) {
      return "the guarantee of role '" + role + "' is above its limit in " + over;
    }
    RoleSettings next = current.withQuota(role, quota);
    for (Map.Entry<String, Quota> e : next.quotas().entrySet()) {
      String r = e.getKey();
      Quota q = e.getValue();
      for (String ancestor : RoleNames.ancestors(r)) {
        Quota a = next.quota(ancestor);
        if ((over = exceeding(q.limit(), a.limit())) != null) {
          return "the limit of role '" + r + "' is above the limit of its parent role '" + ancestor + "' in " + over;
        }
        if ((over = exceeding(q.guarantee(), a.limit())) != null) {
          return "the guarantee of role '" + r + "' is above the limit of its parent role '" + ancestor + "' in " + over;
        }
      }
      if (!q.guarantee().isEmpty()) {
        Resources children = nearestGuarantees(next, r);
        if (!children.isEmpty() && (over = exceeding(children, q.guarantee())) != null) {
          return "the guarantees of the sub-roles of '" + r + "' sum to more than its own guarantee in " + over
              + " (" + children + " > " + q.guarantee() + ")";
        }
      }
    }
    if (!force) {
      Resources sum = topGuarantees(next);
      if ((over = beyondCapacity(sum, capacity)) != null) {
        Resources has = capacity.scalarsOnly();
        return "the guarantees would sum to " + sum + ", beyond the cluster's capacity "
            + (has.isEmpty() ? "(no agent yet)" : has.toString())
            + " in " + over + " (to set it anyway: --force, or ?force=true in the API)";
      }
    }
    return null;
  }

  /** The sum of the guarantees of roles with no guaranteed ancestor. */
  public static Resources topGuarantees(RoleSettings settings) {
    Resources.Builder b = Resources.builder();
    settings.quotas().forEach((r, q) -> {
      if (!q.guarantee().isEmpty()
          && RoleNames.ancestors(r).stream().allMatch(a -> settings.quota(a).guarantee().isEmpty())) {
        b.add(q.guarantee());
      }
    });
    return b.build();
  }

  /** The sum of the guarantees of {@code role}'s descendants that have no guaranteed role between. */
  private static Resources nearestGuarantees(RoleSettings settings, String role) {
    Resources.Builder b = Resources.builder();
    settings.quotas().forEach((r, q) -> {
      if (!r.equals(role) && RoleNames.isWithin(r, role) && !q.guarantee().isEmpty()
          && RoleNames.ancestors(r).stream()
              .filter(a -> RoleNames.isWithin(a, role) && !a.equals(role))
              .allMatch(a -> settings.quota(a).guarantee().isEmpty())) {
        b.add(q.guarantee());
      }
    });
    return b.build();
  }

  /** The first resource {@code amount} has more of than the cluster has (none, if it has none of it), or null. */
  private static String beyondCapacity(Resources amount, Resources capacity) {
    for (Map.Entry<String, Long> e : amount.scalarMillis().entrySet()) {
      if (e.getValue() > capacity.scalarMillis(e.getKey())) {
        return e.getKey();
      }
    }
    return null;
  }

  /**
   * The first resource {@code amount} has more of than {@code bound} names, or null. A resource
   * {@code bound} does not name is unbounded; an empty bound bounds nothing.
   */
  private static String exceeding(Resources amount, Resources bound) {
    for (Map.Entry<String, Long> e : amount.scalarMillis().entrySet()) {
      Long most = bound.scalarMillis().get(e.getKey());
      if (most != null && e.getValue() > most) {
        return e.getKey();
      }
    }
    return null;
  }
}
