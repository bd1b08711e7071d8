package io.corral.services.api.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.services.app.DeploymentActionView;
import io.corral.services.app.DeploymentResult;
import io.corral.services.app.DeploymentStepView;
import io.corral.services.app.DeploymentView;

/** Deployments as Marathon's {@code /v2/deployments} answered them, and its deployment results. */
public final class DeploymentWriter {
  private DeploymentWriter() {}

  public static ObjectNode deployment(DeploymentView d) {
    ObjectNode o = MarathonJson.object();
    o.put("id", d.id());
    if (d.version() != null) {
      o.put("version", Timestamps.format(d.version()));
    }
    ArrayNode apps = o.putArray("affectedApps");
    d.affectedApps().forEach(a -> apps.add(a.toString()));
    o.putArray("affectedPods");
    ArrayNode steps = o.putArray("steps");
    for (DeploymentStepView step : d.steps()) {
      ArrayNode actions = steps.addObject().putArray("actions");
      step.actions().forEach(a -> action(actions.addObject(), a));
    }
    ArrayNode current = o.putArray("currentActions");
    d.currentActions().forEach(a -> action(current.addObject(), a).putArray("readinessCheckResults"));
    o.put("currentStep", d.currentStep());
    o.put("totalSteps", d.steps().size());
    return o;
  }

  /** {@code {"version": ..., "deploymentId": ...}}. */
  public static ObjectNode result(DeploymentResult r) {
    ObjectNode o = MarathonJson.object();
    if (r.version() != null) {
      o.put("version", Timestamps.format(r.version()));
    }
    o.put("deploymentId", r.deploymentId());
    return o;
  }

  private static ObjectNode action(ObjectNode o, DeploymentActionView a) {
    o.put("action", a.action());
    o.put("app", a.app().toString());
    return o;
  }
}
