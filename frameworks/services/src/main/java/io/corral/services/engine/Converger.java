package io.corral.services.engine;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.engine.Deployment.Action;
import io.corral.services.engine.OfferMatcher.Demand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brings every app towards what it should be, after any input: decides per app ({@link AppPlanner},
 * {@link RollingReplace}) under the deployment action under way for it (or none: then it keeps its
 * instance count), moves deployments on whose step is done ({@link DeploymentSteps}), deciding
 * again after each move, then kills what must go and answers how many tasks of each app wait for
 * offers, after the app's launch delay ({@link Backoff}).
 */
final class Converger {
  /** Steps one input may complete at most (each is decided anew); far above any plan's length. */
  private static final int MAX_ROUNDS = 16;

  private final EngineModel m;
  private final DeploymentSteps steps;

  Converger(EngineModel m) {
    this.m = m;
    this.steps = new DeploymentSteps(m);
  }

  List<Demand> converge(Effects out) {
    Map<AppId, AppPlan> plans = plans();
    for (int round = 0; round < MAX_ROUNDS && steps.advance(plans, out); round++) {
      plans = plans();
    }
    kill(plans, out);
    return demands(plans);
  }

  private Map<AppId, AppPlan> plans() {
    Set<AppId> ids = new LinkedHashSet<>(m.apps.keySet());
    ids.addAll(m.instances.apps());
    for (Deployment d : m.deployments.values()) {
      ids.addAll(d.affectedApps());
    }
    Map<AppId, AppPlan> plans = new LinkedHashMap<>();
    for (AppId id : ids) {
      plans.put(id, plan(id));
    }
    return plans;
  }

  private AppPlan plan(AppId id) {
    AppDefinition app = m.apps.get(id);
    List<Instance> tasks = m.instances.of(id);
    Deployment d = m.lockOf(id);
    if (d == null) {
      return app == null ? AppPlanner.stop(tasks) : AppPlanner.scale(app, tasks);
    }
    Action a = d.actionOn(id);
    if (a == null) {
      return AppPlan.IDLE;
    }
    if (app == null || a.kind() == Deployment.Kind.STOP) {
      return AppPlanner.stop(tasks);
    }
    return switch (a.kind()) {
      case START -> AppPlan.DONE;
      case SCALE -> AppPlanner.scale(app, tasks);
      case RESTART -> RollingReplace.plan(app, m.configVersion(app), tasks);
      case STOP -> AppPlanner.stop(tasks);
    };
  }

  private void kill(Map<AppId, AppPlan> plans, Effects out) {
    Instant now = m.now();
    plans.forEach((id, plan) -> {
      AppDefinition app = m.apps.get(id);
      for (Instance i : plan.kill()) {
        if (i.killRequested()) {
          continue;
        }
        Instance killed = i.killRequested(now);
        if (app == null && i.unreachable() && m.lockOf(id) == null) {
          m.removeInstance(i, out); // of a deleted app, on an agent gone: the kernel kills it if it comes back
        } else {
          m.putInstance(killed, out);
        }
        out.add(kill(killed, app));
      }
    });
  }

  static Effect.Kill kill(Instance i, AppDefinition app) {
    Double grace = app != null && app.taskKillGracePeriodSeconds() > 0 ? app.taskKillGracePeriodSeconds() : null;
    return new Effect.Kill(i.taskId(), i.agentId(), grace);
  }

  private List<Demand> demands(Map<AppId, AppPlan> plans) {
    Instant now = m.now();
    List<Demand> out = new ArrayList<>();
    plans.forEach((id, plan) -> {
      AppDefinition app = m.apps.get(id);
      if (app != null && plan.launch() > 0 && m.backoff.delayedUntil(id, m.configVersion(app), now) == null) {
        out.add(new Demand(app, plan.launch()));
      }
    });
    return out;
  }
}
