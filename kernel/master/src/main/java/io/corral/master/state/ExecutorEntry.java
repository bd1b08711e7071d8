package io.corral.master.state;

import io.corral.common.resources.PooledResources;
import io.corral.protocol.ExecutorInfo;

/**
 * A custom executor running on an agent, the resources it holds itself, pool by pool, and the role
 * they are charged to (its tasks are all in that role).
 */
public record ExecutorEntry(ExecutorInfo info, PooledResources resources, String role) {}
