package io.corral.master.state;

import io.corral.common.resources.PooledResources;
import io.corral.protocol.ExecutorInfo;

/** A custom executor running on an agent, and the resources it holds itself, pool by pool. */
public record ExecutorEntry(ExecutorInfo info, PooledResources resources) {}
