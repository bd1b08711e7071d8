package io.corral.services.engine;

import io.corral.services.app.AppId;
import io.corral.services.engine.Deployment.Action;
import io.corral.services.engine.Deployment.Step;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Moves deployments on: a step whose every action is done ends ({@code deployment_step_success}), the
 * next begins ({@code deployment_info}); after the last the deployment is done
 * ({@code deployment_success}) and its apps are free for other changes. A stopped app's tasks left on
 * unreachable agents are forgotten then ({@code app_terminated_event}).
 */
final class DeploymentSteps {
  private final EngineModel m;

  DeploymentSteps(EngineModel m) {
    this.m = m;
  }

  /** Ends the steps that are done (at most one per deployment); whether any was. */
  boolean advance(Map<AppId, AppPlan> plans, Effects out) {
    boolean any = false;
    Instant now = m.now();
    for (Deployment d : List.copyOf(m.deployments.values())) {
      if (d.finished()) {
        finish(d, out, now);
        any = true;
        continue;
      }
      Step step = d.steps().get(d.currentStep());
      if (!step.actions().stream().allMatch(a -> plans.getOrDefault(a.app(), AppPlan.IDLE).done())) {
        continue;
      }
      for (Action a : step.actions()) {
        if (a.kind() == Deployment.Kind.STOP) {
          terminated(a.app(), out, now);
        }
      }
      out.publish(Events.stepSuccess(d, step, now));
      Deployment next = d.advanced();
      if (next.finished()) {
        finish(next, out, now);
      } else {
        m.putDeployment(next, out);
        out.publish(Events.deploymentInfo(next, now));
      }
      any = true;
    }
    return any;
  }

  private void finish(Deployment d, Effects out, Instant now) {
    m.removeDeployment(d, out);
    out.publish(Events.deploymentSuccess(d, now));
  }

  private void terminated(AppId app, Effects out, Instant now) {
    for (Instance i : m.instances.of(app)) {
      m.removeInstance(i, out);
    }
    out.publish(Events.appTerminated(app, now));
  }
}
