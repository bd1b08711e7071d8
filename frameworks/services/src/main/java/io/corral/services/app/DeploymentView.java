package io.corral.services.app;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A deployment in flight (Marathon's {@code /v2/deployments} entry).
 *
 * @param id the deployment's id (a UUID)
 * @param version the version it deploys
 * @param affectedApps the apps it changes
 * @param steps all its steps
 * @param currentStep the step under way, counted from 1
 * @param currentActions the actions of the step under way
 */
public record DeploymentView(String id, Instant version, List<AppId> affectedApps, List<DeploymentStepView> steps,
    int currentStep, List<DeploymentActionView> currentActions) {
  public DeploymentView {
    Objects.requireNonNull(id, "id");
    affectedApps = List.copyOf(affectedApps);
    steps = List.copyOf(steps);
    currentActions = List.copyOf(currentActions);
  }
}
