package io.corral.scheduler;

import io.corral.common.resources.Resources;
import java.util.Objects;

/**
 * How big the cluster's agents are, as the master tells its schedulers
 * ({@link Scheduler#largestAgent}): per resource, the most any one registered agent has in total
 * (cpus may be one agent's and mem another's; ports: every port any agent has). A task that needs
 * more than this (with its executor, when one is started for it) can never be offered, so a
 * framework fails such a request at once, naming what the largest agent has and the settings
 * that size the request, instead of waiting for an offer that never comes. This is YARN's
 * "maximum capability" an application master learns when it registers.
 *
 * <p>{@link #UNKNOWN} while no agent is registered (agents may be starting) and while a newly
 * elected master still expects agents back: then a framework waits, as it would for offers.
 *
 * @param resources the per-resource maxima; empty when unknown
 */
public record LargestAgent(Resources resources) {
  public static final LargestAgent UNKNOWN = new LargestAgent(Resources.EMPTY);

  public LargestAgent {
    Objects.requireNonNull(resources, "resources");
  }

  /** Whether the master knows of any agent. */
  public boolean isKnown() {
    return !resources.isEmpty();
  }

  /** Whether some agent might one day be offered {@code need}: true while unknown. */
  public boolean mayFit(Resources need) {
    return !isKnown() || resources.contains(need);
  }

  /** As {@link #mayFit(Resources)}, for a request that counts its ports. */
  public boolean mayFit(ResourceRequest need) {
    return mayFit(need.scalars()) && (!isKnown() || resources.ports().size() >= need.ports());
  }

  /** The maxima in the agent flag format ({@code cpus:4;mem:8192;...}), or {@code unknown}. */
  @Override
  public String toString() {
    return isKnown() ? resources.toString() : "unknown";
  }
}
