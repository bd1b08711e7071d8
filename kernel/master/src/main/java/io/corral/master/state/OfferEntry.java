package io.corral.master.state;

import io.corral.common.resources.PooledResources;
import java.time.Instant;

/**
 * An outstanding offer: resources of one agent held for one framework, for one of its roles, until it
 * answers.
 */
public record OfferEntry(
    String id, String frameworkId, String role, String agentId, PooledResources resources, Instant expiresAt) {}
