package io.corral.master.core;

import io.corral.common.resources.Resources;
import java.util.Map;
import java.util.Optional;

/**
 * The rule that keeps frameworks' own schedulers (tasks marked {@code TaskInfo.scheduler_task}) within
 * a share of the cluster: per scalar resource, what all of them hold together stays within
 * {@code share} of the cluster's total of that resource. One scheduler task is always allowed, even
 * if it alone holds more, so a small cluster still runs a job.
 *
 * @param share the fraction of each scalar resource of the cluster scheduler tasks may hold (0 to 1)
 */
public record SchedulerTaskShare(double share) {
  /** The share a master starts with unless told otherwise: a tenth of the cluster, as YARN's default maxAMShare. */
  public static final double DEFAULT = 0.1;
  /** Rounding slack: resources are kept in thousandths. */
  private static final double SLACK = 1e-9;

  public SchedulerTaskShare {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("the scheduler task share must be between 0 and 1: " + share);
    }
  }

  /**
   * Why one more scheduler task needing {@code need} may not start now, or empty when it may.
   *
   * @param cluster the resources of the agents in service
   * @param held what the scheduler tasks running already hold together
   * @param running how many they are
   */
  public Optional<String> refusal(Resources cluster, Resources held, int running, Resources need) {
    if (running == 0) {
      return Optional.empty();
    }
    for (Map.Entry<String, Double> e : need.scalars().entrySet()) {
      String name = e.getKey();
      double total = cluster.scalar(name);
      double after = held.scalar(name) + e.getValue();
      if (e.getValue() > 0 && after > share * total + SLACK) {
        return Optional.of("the scheduler tasks may hold " + format(share) + " of the cluster (--scheduler-task-share)"
            + " and with this one would hold " + format(after) + " of its " + format(total) + " " + name + " ("
            + running + " running): it waits for a scheduler slot, launch it again once one ends");
      }
    }
    return Optional.empty();
  }

  /** The largest fraction of any scalar resource of {@code cluster} that {@code held} takes (0 when none). */
  public static double of(Resources cluster, Resources held) {
    double most = 0;
    for (Map.Entry<String, Double> e : held.scalars().entrySet()) {
      double total = cluster.scalar(e.getKey());
      if (total > 0) { // held on agents out of service only: not part of this cluster's total
        most = Math.max(most, e.getValue() / total);
      }
    }
    return most;
  }

  private static String format(double v) {
    return java.math.BigDecimal.valueOf(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
