package io.corral.master.roles;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What operators set on roles at run time: quotas and weights, by role. Immutable; the master
 * keeps the current value, persists it whole ({@link RoleSettingsStore}) and gives it to a new
 * leader.
 *
 * @param quotas by role, none of them {@link Quota#NONE}
 * @param weights by role, as set at run time (they override the master's {@code --weights})
 */
public record RoleSettings(Map<String, Quota> quotas, Map<String, Double> weights) {
  public static final RoleSettings EMPTY = new RoleSettings(Map.of(), Map.of());

  public RoleSettings {
    quotas = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(quotas, "quotas")));
    weights = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(weights, "weights")));
  }

  public Quota quota(String role) {
    return quotas.getOrDefault(role, Quota.NONE);
  }

  /** These settings with {@code role}'s quota replaced ({@link Quota#NONE} removes it). */
  public RoleSettings withQuota(String role, Quota quota) {
    Map<String, Quota> q = new TreeMap<>(quotas);
    if (quota.isNone()) {
      q.remove(role);
    } else {
      q.put(role, quota);
    }
    return new RoleSettings(q, weights);
  }

  /** These settings with the given weights set. */
  public RoleSettings withWeights(Map<String, Double> changed) {
    Map<String, Double> w = new TreeMap<>(weights);
    w.putAll(changed);
    return new RoleSettings(quotas, w);
  }
}
