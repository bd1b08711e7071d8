package io.corral.master.preemption;

import io.corral.common.resources.Resources;
import io.corral.common.roles.RoleNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which running tasks to preempt so that roles below their guarantee get what they lack. A pure
 * function of the state it is given (no clock, no randomness), so its rules are tested directly:
 *
 * <ul>
 *   <li>A task is taken only from a role outside the needing role's subtree, and only if no role
 *       with a guarantee at or above it (short of the ancestors it shares with the needing role,
 *       whose allocation the move leaves as it is) then drops below its guarantee.
 *   <li>Roles most over their guarantee first: the largest share of the cluster, in any resource,
 *       held beyond the guarantee (all of it without one); recomputed after every task taken.
 *   <li>Inside a role, frameworks holding the most first; inside a framework, newest task first.
 *   <li>A framework's scheduler task only once none of its framework's other tasks remain.
 *   <li>A task is taken only if it holds some resource the need still lacks; taking stops once
 *       nothing is lacking, so at most one task's worth beyond the need is taken per resource.
 * </ul>
 */
public final class VictimChooser {
  /** A role below its guarantee with what it still needs (its lack less free resources and tasks already under notice). */
  public record Need(String role, Resources amount) {}

  /** A task that could be preempted. */
  public record Candidate(String frameworkId, String taskId, String agentId, String role, Resources resources,
      Instant launchedAt, boolean schedulerTask) {}

  /** A task to preempt, for {@code forRole}. */
  public record Victim(Candidate task, String forRole) {}

  private final Map<String, Resources> guarantees;
  private final Map<String, Long> totals;
  /** What each role (and each ancestor) holds, changed as tasks are taken. */
  private final Map<String, Map<String, Long>> held = new HashMap<>();
  /** The candidates left, by role, then framework, newest first. */
  private final Map<String, Map<String, List<Candidate>>> byRole = new LinkedHashMap<>();

  /**
   * @param candidates every live task that may be preempted (not those already under notice)
   * @param allocation what each role of a candidate and each of their ancestors holds (offered or used)
   * @param guarantees the guarantee of each role that has one
   * @param totals the cluster's totals (for how far over its guarantee a role is)
   */
  public VictimChooser(List<Candidate> candidates, Map<String, Resources> allocation,
      Map<String, Resources> guarantees, Resources totals) {
    this.guarantees = guarantees;
    this.totals = totals.scalarMillis();
    allocation.forEach((role, r) -> held.put(role, new HashMap<>(r.scalarMillis())));
    Comparator<Candidate> newestFirst = Comparator.comparing(Candidate::launchedAt).reversed()
        .thenComparing(Candidate::taskId, Comparator.reverseOrder());
    Map<String, Map<String, List<Candidate>>> grouped = new HashMap<>();
    for (Candidate c : candidates) {
      grouped.computeIfAbsent(c.role(), r -> new HashMap<>())
          .computeIfAbsent(c.frameworkId(), f -> new ArrayList<>()).add(c);
    }
    grouped.keySet().stream().sorted().forEach(role -> {
      Map<String, List<Candidate>> fws = grouped.get(role);
      fws.values().forEach(list -> list.sort(newestFirst));
      // Frameworks holding the most (in thousandths of all their scalars) first, then by id.
      Map<String, List<Candidate>> ordered = new LinkedHashMap<>();
      fws.keySet().stream()
          .sorted(Comparator.comparingDouble((String f) -> -share(fws.get(f))).thenComparing(f -> f))
          .forEach(f -> ordered.put(f, fws.get(f)));
      byRole.put(role, ordered);
    });
  }

  /** The tasks to preempt for {@code needs}, served in the order given. */
  public List<Victim> choose(List<Need> needs) {
    List<Victim> out = new ArrayList<>();
    for (Need need : needs) {
      Map<String, Long> lacking = positive(need.amount().scalarMillis());
      while (!lacking.isEmpty()) {
        Candidate c = next(need.role(), lacking);
        if (c == null) {
          break;
        }
        take(c, need.role());
        out.add(new Victim(c, need.role()));
        for (Map.Entry<String, Long> e : c.resources().scalarMillis().entrySet()) {
          lacking.computeIfPresent(e.getKey(), (k, v) -> v - e.getValue() > 0 ? v - e.getValue() : null);
        }
      }
    }
    return out;
  }

  /** The next task to take for {@code role}, or null if no task may be taken. */
  private Candidate next(String role, Map<String, Long> lacking) {
    List<String> roles = new ArrayList<>();
    for (String r : byRole.keySet()) {
      if (!RoleNames.isWithin(r, role)) {
        roles.add(r);
      }
    }
    roles.sort(Comparator.comparingDouble((String r) -> -over(r)).thenComparing(r -> r));
    for (String r : roles) {
      for (List<Candidate> tasks : byRole.get(r).values()) {
        for (Candidate c : tasks) {
          if (c.schedulerTask() && tasks.size() > 1) {
            continue; // its framework's other tasks go first
          }
          if (helps(c, lacking) && keepsGuarantees(c, role)) {
            return c;
          }
        }
      }
    }
    return null;
  }

  /** How far over its guarantee a role is: the largest share of a cluster total it holds beyond it. */
  private double over(String role) {
    Map<String, Long> h = held.getOrDefault(role, Map.of());
    Map<String, Long> g = guarantees.containsKey(role) ? guarantees.get(role).scalarMillis() : Map.of();
    double most = 0;
    for (Map.Entry<String, Long> e : h.entrySet()) {
      long total = totals.getOrDefault(e.getKey(), 0L);
      if (total > 0) {
        most = Math.max(most, (double) (e.getValue() - g.getOrDefault(e.getKey(), 0L)) / total);
      }
    }
    return most;
  }

  private double share(List<Candidate> tasks) {
    double most = 0;
    Map<String, Long> sum = new HashMap<>();
    for (Candidate c : tasks) {
      c.resources().scalarMillis().forEach((k, v) -> sum.merge(k, v, Long::sum));
    }
    for (Map.Entry<String, Long> e : sum.entrySet()) {
      long total = totals.getOrDefault(e.getKey(), 0L);
      if (total > 0) {
        most = Math.max(most, (double) e.getValue() / total);
      }
    }
    return most;
  }

  private static boolean helps(Candidate c, Map<String, Long> lacking) {
    for (Map.Entry<String, Long> e : c.resources().scalarMillis().entrySet()) {
      if (e.getValue() > 0 && lacking.containsKey(e.getKey())) {
        return true;
      }
    }
    return false;
  }

  /** Whether taking {@code c} for {@code forRole} leaves every guarantee above it (outside their common ancestors) met. */
  private boolean keepsGuarantees(Candidate c, String forRole) {
    for (String r : chain(c.role())) {
      Resources g = guarantees.get(r);
      if (g == null || RoleNames.isWithin(forRole, r)) {
        continue;
      }
      Map<String, Long> h = held.getOrDefault(r, Map.of());
      for (Map.Entry<String, Long> e : g.scalarMillis().entrySet()) {
        long after = h.getOrDefault(e.getKey(), 0L) - c.resources().scalarMillis(e.getKey());
        if (e.getValue() > 0 && after < e.getValue()) {
          return false;
        }
      }
    }
    return true;
  }

  private void take(Candidate c, String forRole) {
    Map<String, List<Candidate>> fws = byRole.get(c.role());
    List<Candidate> tasks = fws.get(c.frameworkId());
    tasks.remove(c);
    if (tasks.isEmpty()) {
      fws.remove(c.frameworkId());
      if (fws.isEmpty()) {
        byRole.remove(c.role());
      }
    }
    Map<String, Long> amounts = c.resources().scalarMillis();
    for (String r : chain(c.role())) {
      Map<String, Long> h = held.computeIfAbsent(r, k -> new HashMap<>());
      amounts.forEach((k, v) -> h.merge(k, -v, Long::sum));
    }
    for (String r : chain(forRole)) {
      Map<String, Long> h = held.computeIfAbsent(r, k -> new HashMap<>());
      amounts.forEach((k, v) -> h.merge(k, v, Long::sum));
    }
  }

  /** A role and its ancestors. */
  private static List<String> chain(String role) {
    List<String> out = new ArrayList<>();
    out.add(role);
    if (!role.equals(RoleNames.DEFAULT)) {
      out.addAll(RoleNames.ancestors(role));
    }
    return out;
  }

  private static Map<String, Long> positive(Map<String, Long> amounts) {
    Map<String, Long> out = new HashMap<>();
    amounts.forEach((k, v) -> {
      if (v > 0) {
        out.put(k, v);
      }
    });
    return out;
  }
}
