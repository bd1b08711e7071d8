package io.corral.services.engine;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.DeploymentActionView;
import io.corral.services.app.DeploymentStepView;
import io.corral.services.app.DeploymentView;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A change of apps under way (Marathon's deployment plan): the apps it changes, from what to what,
 * and its steps, carried out one after the other. Stored, so a new leader resumes it.
 *
 * @param id its id (a UUID)
 * @param version the version it deploys
 * @param changes each app it changes
 * @param steps its steps; each step's actions run together
 * @param currentStep the index of the step under way ({@code steps.size()} once all are done)
 */
public record Deployment(String id, Instant version, List<AppChange> changes, List<Step> steps, int currentStep) {
  public Deployment {
    Objects.requireNonNull(id, "id");
    changes = List.copyOf(changes);
    steps = List.copyOf(steps);
  }

  /**
   * One app's change.
   *
   * @param id the app
   * @param original its definition before (null: the deployment creates it)
   * @param target its definition after (null: the deployment deletes it)
   */
  public record AppChange(AppId id, AppDefinition original, AppDefinition target) {}

  /** Actions carried out together. */
  public record Step(List<Action> actions) {
    public Step {
      actions = List.copyOf(actions);
    }
  }

  /** What a step does to one app. */
  public record Action(Kind kind, AppId app) {}

  /** Marathon's deployment actions. */
  public enum Kind {
    START("StartApplication"), SCALE("ScaleApplication"), RESTART("RestartApplication"),
    STOP("StopApplication");

    private final String marathonName;

    Kind(String marathonName) {
      this.marathonName = marathonName;
    }

    public String marathonName() {
      return marathonName;
    }
  }

  /** Whether every step is done. */
  public boolean finished() {
    return currentStep >= steps.size();
  }

  /** The action of the step under way on {@code app}, null if that step does not act on it. */
  public Action actionOn(AppId app) {
    if (finished()) {
      return null;
    }
    for (Action a : steps.get(currentStep).actions()) {
      if (a.app().equals(app)) {
        return a;
      }
    }
    return null;
  }

  /** Whether it changes {@code app} (then the app is locked: other changes wait or force). */
  public boolean affects(AppId app) {
    return changes.stream().anyMatch(c -> c.id().equals(app));
  }

  public List<AppId> affectedApps() {
    return changes.stream().map(AppChange::id).toList();
  }

  /** This deployment with its next step under way. */
  Deployment advanced() {
    return new Deployment(id, version, changes, steps, currentStep + 1);
  }

  DeploymentView view() {
    List<DeploymentStepView> stepViews = steps.stream().map(s -> new DeploymentStepView(actionViews(s))).toList();
    List<DeploymentActionView> current = finished() ? List.of() : actionViews(steps.get(currentStep));
    return new DeploymentView(id, version, affectedApps(), stepViews, Math.min(currentStep + 1, steps.size()),
        current);
  }

  static List<DeploymentActionView> actionViews(Step s) {
    return s.actions().stream().map(a -> new DeploymentActionView(a.kind().marathonName(), a.app())).toList();
  }
}
