package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import java.util.Objects;

/**
 * One decision of an allocation cycle: free resources of one agent (unreserved, and reserved to the
 * framework's role or an ancestor of it), offered to one framework. The allocator already counts them as allocated to that framework; the master turns
 * them into an offer, and gives back what the framework does not use through {@link
 * DrfAllocator#recover}.
 *
 * @param frameworkId the framework that receives the resources
 * @param agentId the agent the resources are on
 * @param resources the resources (never empty)
 */
public record Allocation(String frameworkId, String agentId, PooledResources resources) {
  public Allocation {
    Objects.requireNonNull(frameworkId, "frameworkId");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(resources, "resources");
  }
}
