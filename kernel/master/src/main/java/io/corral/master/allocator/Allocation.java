package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import java.util.Objects;

/**
 * One decision of an allocation cycle: free resources of one agent (unreserved, and reserved to
 * {@code role} or an ancestor of it), offered to one framework for one of its roles. The allocator
 * already counts them as allocated to that framework in that role; the master turns them into an
 * offer for the role, and gives back what the framework does not use through {@link
 * DrfAllocator#recover}.
 *
 * @param frameworkId the framework that receives the resources
 * @param role the role they are offered for (one of the framework's)
 * @param agentId the agent the resources are on
 * @param resources the resources (never empty)
 */
public record Allocation(String frameworkId, String role, String agentId, PooledResources resources) {
  public Allocation {
    Objects.requireNonNull(frameworkId, "frameworkId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(resources, "resources");
  }
}
