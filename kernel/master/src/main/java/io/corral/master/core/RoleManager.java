package io.corral.master.core;

import io.corral.common.resources.Resources;
import io.corral.master.roles.Quota;
import io.corral.master.roles.QuotaValidator;
import io.corral.common.roles.RoleNames;
import io.corral.master.roles.RoleSettings;
import io.corral.master.roles.RoleSettingsStore;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.OfferEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quotas and weights set at run time: validates a change, applies it to the allocator, and saves
 * the settings whole (the answer waits for the save, so what an operator was told is set
 * survives a failover). On the master's loop, like every handler.
 */
final class RoleManager {
  private static final Logger LOG = LoggerFactory.getLogger(RoleManager.class);

  private final MasterState s;
  private final OfferManager offers;

  RoleManager(MasterState s, OfferManager offers) {
    this.s = s;
    this.offers = offers;
  }

  /** Makes {@code settings} (loaded by a new leader) the current ones. */
  void install(RoleSettingsStore store, RoleSettings settings) {
    s.roleStore = store;
    RoleSettings old = s.roleSettings;
    for (String role : old.quotas().keySet()) {
      if (!settings.quotas().containsKey(role)) {
        s.allocator.setQuota(role, Resources.EMPTY, Resources.EMPTY);
      }
    }
    s.roleSettings = settings;
    settings.quotas().forEach((role, q) -> s.allocator.setQuota(role, q.guarantee(), q.limit()));
    settings.weights().forEach(s.allocator::setWeight);
    if (!settings.quotas().isEmpty() || !settings.weights().isEmpty()) {
      LOG.info("role settings: quotas {}, weights {}", settings.quotas(), settings.weights());
    }
  }

  CompletableFuture<OperatorResult> setQuota(String role, Quota quota, boolean force) {
    String problem = QuotaValidator.problem(s.roleSettings, role, quota, s.allocator.view().totals(), force);
    if (problem != null) {
      return CompletableFuture.completedFuture(OperatorResult.invalid(problem));
    }
    s.allocator.setQuota(role, quota.guarantee(), quota.limit());
    // Outstanding offers were made without this quota: take them back (as Mesos does when a quota is
    // set), so the next cycle holds the new guarantee's headroom and offers no role past its limit.
    offers.rescindAll();
    String what = "role " + role + ": guarantee " + shown(quota.guarantee()) + ", limit " + shown(quota.limit());
    return save(s.roleSettings.withQuota(role, quota), what);
  }

  CompletableFuture<OperatorResult> removeQuota(String role) {
    String problem = RoleNames.problem(role);
    if (problem != null) {
      return CompletableFuture.completedFuture(OperatorResult.invalid(problem));
    }
    if (!s.roleSettings.quotas().containsKey(role)) {
      return CompletableFuture.completedFuture(OperatorResult.notFound("role " + role + " has no quota"));
    }
    s.allocator.setQuota(role, Resources.EMPTY, Resources.EMPTY);
    return save(s.roleSettings.withQuota(role, Quota.NONE), "role " + role + ": quota removed");
  }

  CompletableFuture<OperatorResult> setWeights(Map<String, Double> weights) {
    weights.forEach(s.allocator::setWeight);
    return save(s.roleSettings.withWeights(weights), "weights " + weights);
  }

  private CompletableFuture<OperatorResult> save(RoleSettings next, String what) {
    s.roleSettings = next;
    offers.requestAllocation();
    LOG.info("{}", what);
    return s.roleStore.save(next).handle((ok, e) -> e == null
        ? OperatorResult.done(what)
        : OperatorResult.unavailable(what + " is in force but was not saved (" + e.getMessage()
            + "); a new leader would not know it: set it again"));
  }

  private static String shown(Resources r) {
    return r.isEmpty() ? "none" : r.toString();
  }

  // ---- the roles list ----------------------------------------------------------------------

  /**
   * Every role with a quota, a weight, a framework or an allocation, and their ancestors, by
   * name. A role's allocation, offers and frameworks count its sub-roles'.
   */
  List<RoleSummary> roles() {
    Set<String> names = new TreeSet<>();
    names.addAll(s.roleSettings.quotas().keySet());
    names.addAll(s.roleSettings.weights().keySet());
    names.addAll(s.config.roleWeights().keySet());
    names.addAll(s.allocator.view().roles());
    for (FrameworkEntry fw : s.frameworks.values()) {
      names.addAll(fw.roles());
    }
    for (String n : List.copyOf(names)) {
      if (!n.equals(RoleNames.DEFAULT) && RoleNames.problem(n) == null) {
        names.addAll(RoleNames.ancestors(n));
      }
    }
    Map<String, Resources.Builder> offered = new HashMap<>();
    Map<String, Integer> frameworks = new HashMap<>();
    for (FrameworkEntry fw : s.frameworks.values()) {
      Set<String> counted = new TreeSet<>(); // a framework in a/x and a/y is one framework of a
      fw.roles().forEach(role -> counted.addAll(withAncestors(role)));
      counted.forEach(r -> frameworks.merge(r, 1, Integer::sum));
    }
    for (OfferEntry o : s.offers.values()) {
      for (String r : withAncestors(o.role())) {
        offered.computeIfAbsent(r, k -> Resources.builder()).add(o.resources().all().scalarsOnly());
      }
    }
    List<RoleSummary> out = new ArrayList<>();
    for (String name : names) {
      Quota q = s.roleSettings.quota(name);
      Resources off = offered.containsKey(name) ? offered.get(name).build() : Resources.EMPTY;
      Resources held = s.allocator.view().roleAllocation(name);
      Resources used = held.minus(off); // stops at zero
      out.add(new RoleSummary(name, s.allocator.view().weight(name), q.guarantee(), q.limit(), used, off,
          frameworks.getOrDefault(name, 0), s.preemptions.getOrDefault(name, 0L),
          s.reclaimed.getOrDefault(name, Resources.EMPTY)));
    }
    return out;
  }

  private static List<String> withAncestors(String role) {
    List<String> out = new ArrayList<>();
    out.add(role);
    if (!role.equals(RoleNames.DEFAULT)) {
      out.addAll(RoleNames.ancestors(role));
    }
    return out;
  }
}
