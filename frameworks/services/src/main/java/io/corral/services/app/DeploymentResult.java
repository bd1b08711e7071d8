package io.corral.services.app;

import java.time.Instant;

/**
 * What a change started: the deployment carrying it out and the version it makes.
 *
 * @param deploymentId the new deployment's id
 * @param version the app (or root group) version it produces
 */
public record DeploymentResult(String deploymentId, Instant version) {}
