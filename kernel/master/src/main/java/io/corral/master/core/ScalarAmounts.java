package io.corral.master.core;

import io.corral.common.resources.Resources;
import io.corral.common.roles.RoleNames;
import io.corral.master.state.AgentEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Sums of scalar resources in thousandths (what preemption reckons with), and the roles they count towards. */
final class ScalarAmounts {
  private ScalarAmounts() {}

  /** What is free on the agents that may be offered (connected, not draining). */
  static Resources free(MasterState s) {
    Resources.Builder b = Resources.builder();
    for (AgentEntry agent : s.agents.values()) {
      if (agent.isConnected() && !agent.isDrained()) {
        b.add(s.allocator.view().free(agent.id()).scalarsOnly());
      }
    }
    return b.build();
  }

  /** Whether {@code held} has some of what {@code lack} is short of. */
  static boolean helps(Resources held, Map<String, Long> lack) {
    for (Map.Entry<String, Long> e : held.scalarMillis().entrySet()) {
      if (e.getValue() > 0 && lack.getOrDefault(e.getKey(), 0L) > 0) {
        return true;
      }
    }
    return false;
  }

  static void subtract(Map<String, Long> from, Map<String, Long> amounts) {
    amounts.forEach((k, v) -> from.computeIfPresent(k, (key, have) -> have - v));
  }

  /** Takes from {@code pool} what {@code need} lacks of it (both change). */
  static void take(Map<String, Long> need, Map<String, Long> pool) {
    for (Map.Entry<String, Long> e : need.entrySet()) {
      long have = pool.getOrDefault(e.getKey(), 0L);
      long used = Math.max(0, Math.min(have, e.getValue()));
      e.setValue(e.getValue() - used);
      pool.put(e.getKey(), have - used);
    }
  }

  /** The positive amounts, as resources. */
  static Resources resources(Map<String, Long> millis) {
    Resources.Builder b = Resources.builder();
    millis.forEach((k, v) -> {
      if (v > 0) {
        b.scalar(k, v / 1000.0);
      }
    });
    return b.build();
  }

  /** A role and its ancestors. */
  static List<String> chain(String role) {
    List<String> out = new ArrayList<>();
    out.add(role);
    if (!role.equals(RoleNames.DEFAULT)) {
      out.addAll(RoleNames.ancestors(role));
    }
    return out;
  }
}
