package io.corral.services.engine;

import io.corral.services.app.AppDefinition;
import io.corral.services.engine.Deployment.Action;
import io.corral.services.engine.Deployment.AppChange;
import io.corral.services.engine.Deployment.Kind;
import io.corral.services.engine.Deployment.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The steps that take apps from their definitions to new ones, in Marathon's order: first stop the
 * apps deleted, then start the apps created (with no tasks yet), then for each app scale it (a new
 * app, or only {@code instances} changed) or restart it (its configuration changed, or a restart was
 * asked for: its configuration version moved). Steps without actions are left out. Pure.
 */
final class DeploymentPlanner {
  private DeploymentPlanner() {}

  static List<Step> steps(List<AppChange> changes) {
    List<Action> stops = new ArrayList<>();
    List<Action> starts = new ArrayList<>();
    List<Action> updates = new ArrayList<>();
    for (AppChange c : changes) {
      if (c.target() == null) {
        if (c.original() != null) {
          stops.add(new Action(Kind.STOP, c.id()));
        }
      } else if (c.original() == null) {
        starts.add(new Action(Kind.START, c.id()));
        updates.add(new Action(Kind.SCALE, c.id()));
      } else if (needsRestart(c.original(), c.target())) {
        updates.add(new Action(Kind.RESTART, c.id()));
      } else if (c.original().instances() != c.target().instances()) {
        updates.add(new Action(Kind.SCALE, c.id()));
      }
    }
    List<Step> steps = new ArrayList<>();
    for (List<Action> actions : List.of(stops, starts, updates)) {
      if (!actions.isEmpty()) {
        steps.add(new Step(actions));
      }
    }
    return steps;
  }

  /** Whether going from {@code from} to {@code to} replaces the tasks. */
  static boolean needsRestart(AppDefinition from, AppDefinition to) {
    return from.isConfigChange(to) || !Objects.equals(configVersion(from), configVersion(to));
  }

  /** The app's configuration version: its last configuration change (its version if never stamped so). */
  static Instant configVersion(AppDefinition app) {
    return app.lastConfigChangeAt() != null ? app.lastConfigChangeAt() : app.version();
  }
}
