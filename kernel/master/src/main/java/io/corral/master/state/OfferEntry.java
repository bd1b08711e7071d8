package io.corral.master.state;

import io.corral.common.resources.Resources;
import java.time.Instant;

/** An outstanding offer: resources of one agent held for one framework until it answers. */
public record OfferEntry(
    String id, String frameworkId, String agentId, Resources resources, Instant expiresAt) {}
