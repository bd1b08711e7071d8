package io.corral.services.engine;

import io.corral.common.resources.RangeSet;
import io.corral.services.app.PortDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses a task's host ports from an offer's {@code ports} ranges, one per port definition, as
 * Marathon does: with {@code requirePorts} a definition's non-zero number must itself be offered;
 * otherwise (and for 0) any offered port is taken, the lowest free one first. Pure.
 */
final class PortAssigner {
  private PortAssigner() {}

  /**
   * The host ports for {@code definitions} out of {@code available}, in the definitions' order;
   * null when the offer lacks them.
   */
  static List<Integer> assign(List<PortDefinition> definitions, boolean requirePorts, RangeSet available) {
    List<Integer> out = new ArrayList<>(definitions.size());
    RangeSet left = available;
    for (PortDefinition d : definitions) {
      if (requirePorts && d.port() != 0) {
        if (!left.contains(d.port())) {
          return null;
        }
        out.add(d.port());
        left = left.minus(RangeSet.of(d.port(), d.port()));
      } else {
        RangeSet one = left.take(1);
        if (one == null) {
          return null;
        }
        long port = one.intervals().get(0)[0];
        out.add((int) port);
        left = left.minus(one);
      }
    }
    return out;
  }

  /** The ports as a range set (what the task's {@code ports} resource holds). */
  static RangeSet ranges(List<Integer> ports) {
    List<long[]> intervals = new ArrayList<>(ports.size());
    for (int p : ports) {
      intervals.add(new long[] {p, p});
    }
    return RangeSet.of(intervals);
  }
}
