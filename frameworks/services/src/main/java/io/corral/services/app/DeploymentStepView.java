package io.corral.services.app;

import java.util.List;

/** One step of a deployment: actions carried out together. */
public record DeploymentStepView(List<DeploymentActionView> actions) {
  public DeploymentStepView {
    actions = List.copyOf(actions);
  }
}
