package io.corral.services.engine;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.DeploymentResult;
import io.corral.services.app.KillResult;
import io.corral.services.app.ServiceException;
import io.corral.services.app.TaskView;
import io.corral.services.engine.Deployment.AppChange;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The API's changes, each a deployment (Marathon's way): an app created, replaced, deleted or
 * restarted, tasks killed with scaling, a deployment rolled back. A deployment locks its apps: a
 * further change of one is refused (409) unless forced, which cancels the deployment
 * ({@code deployment_failed}) where it is. Versions are stamped here: {@code version} on every change,
 * {@code lastConfigChangeAt} when anything but {@code instances} changed, {@code lastScalingAt} when
 * {@code instances} did.
 */
final class Commands {
  private final EngineModel m;
  private final Supplier<UUID> ids;

  Commands(EngineModel m, Supplier<UUID> ids) {
    this.m = m;
    this.ids = ids;
  }

  DeploymentResult createApp(AppDefinition app, Effects out) {
    if (m.apps.containsKey(app.id())) {
      throw ServiceException.appExists(app.id());
    }
    unlock(List.of(app.id()), false, out);
    return deploy(List.of(new AppChange(app.id(), null, stamp(null, app))), out);
  }

  DeploymentResult putApp(AppDefinition app, boolean force, Effects out) {
    unlock(List.of(app.id()), force, out);
    AppDefinition previous = m.apps.get(app.id());
    return deploy(List.of(new AppChange(app.id(), previous, stamp(previous, app))), out);
  }

  DeploymentResult deleteApp(AppId id, boolean force, Effects out) {
    AppDefinition previous = known(id);
    unlock(List.of(id), force, out);
    return deploy(List.of(new AppChange(id, previous, null)), out);
  }

  DeploymentResult restartApp(AppId id, boolean force, Effects out) {
    AppDefinition previous = known(id);
    unlock(List.of(id), force, out);
    Instant now = after(previous);
    return deploy(List.of(new AppChange(id, previous,
        previous.toBuilder().version(now).lastConfigChangeAt(now).build())), out);
  }

  KillResult killTasks(List<String> taskIds, boolean scale, boolean force, Effects out) {
    List<Instance> found = new ArrayList<>();
    for (String id : taskIds) {
      Instance i = m.instances.get(id);
      if (i != null && !found.contains(i)) {
        found.add(i);
      }
    }
    if (found.isEmpty()) {
      if (taskIds.isEmpty()) {
        return new KillResult(List.of(), null);
      }
      throw ServiceException.unknownTask(taskIds.get(0));
    }
    Map<AppId, Integer> killedByApp = new LinkedHashMap<>();
    for (Instance i : found) {
      if (i.active() && m.apps.containsKey(i.appId())) {
        killedByApp.merge(i.appId(), 1, Integer::sum);
      }
    }
    if (scale) {
      unlock(List.copyOf(killedByApp.keySet()), force, out);
    }
    List<TaskView> views = found.stream().map(Instance::view).toList();
    Instant now = m.now();
    for (Instance i : found) {
      if (!i.killRequested()) {
        Instance killed = i.killRequested(now);
        m.putInstance(killed, out);
        out.add(Converger.kill(killed, m.apps.get(i.appId())));
      }
    }
    if (!scale || killedByApp.isEmpty()) {
      return new KillResult(views, null);
    }
    List<AppChange> changes = new ArrayList<>();
    killedByApp.forEach((id, killed) -> {
      AppDefinition previous = m.apps.get(id);
      changes.add(new AppChange(id, previous,
          stamp(previous, previous.withInstances(Math.max(0, previous.instances() - killed)))));
    });
    return new KillResult(views, deploy(changes, out));
  }

  DeploymentResult deleteDeployment(String id, boolean force, Effects out) {
    Deployment d = m.deployments.get(id);
    if (d == null) {
      throw ServiceException.unknownDeployment(id);
    }
    cancel(d, out);
    if (force) {
      return new DeploymentResult(d.id(), d.version());
    }
    List<AppChange> back = new ArrayList<>();
    for (AppChange c : d.changes()) {
      AppDefinition current = m.apps.get(c.id());
      AppDefinition reverted = c.original() == null ? null
          : c.original().toBuilder().version(after(current)).build();
      if (current != null || reverted != null) {
        back.add(new AppChange(c.id(), current, reverted));
      }
    }
    return deploy(back, out);
  }

  private AppDefinition known(AppId id) {
    AppDefinition app = m.apps.get(id);
    if (app == null) {
      throw ServiceException.unknownApp(id);
    }
    return app;
  }

  /** Frees {@code apps} of the deployments changing them: cancels those when forced, else refuses. */
  private void unlock(List<AppId> apps, boolean force, Effects out) {
    for (AppId id : apps) {
      Deployment d = m.lockOf(id);
      if (d != null && !force) {
        throw ServiceException.locked(id);
      }
    }
    for (AppId id : apps) {
      Deployment d = m.lockOf(id);
      if (d != null) {
        cancel(d, out);
      }
    }
  }

  private void cancel(Deployment d, Effects out) {
    m.removeDeployment(d, out);
    out.publish(Events.deploymentFailed(d, m.now()));
  }

  /** Applies {@code changes} to the apps and starts the deployment carrying them out. */
  private DeploymentResult deploy(List<AppChange> changes, Effects out) {
    Instant now = m.now();
    for (AppChange c : changes) {
      if (c.target() == null) {
        m.removeApp(c.id(), out);
      } else {
        m.putApp(c.target(), out);
        if (c.original() == null || DeploymentPlanner.needsRestart(c.original(), c.target())) {
          m.backoff.reset(c.id());
        }
      }
    }
    Deployment d = new Deployment(ids.get().toString(), now, changes, DeploymentPlanner.steps(changes), 0);
    if (d.finished()) {
      out.publish(Events.deploymentSuccess(d, now));
    } else {
      m.putDeployment(d, out);
      out.publish(Events.deploymentInfo(d, now));
    }
    return new DeploymentResult(d.id(), changes.size() == 1 && changes.get(0).target() != null
        ? changes.get(0).target().version() : now);
  }

  /**
   * Now, to the millisecond (Marathon's versions are), and later than {@code previous}'s version: two
   * changes within a millisecond are still two versions, so the tasks of the first are replaced.
   */
  private Instant after(AppDefinition previous) {
    Instant now = m.now().truncatedTo(ChronoUnit.MILLIS);
    Instant last = previous == null ? null : previous.version();
    return last != null && !now.isAfter(last) ? last.plusMillis(1) : now;
  }

  /** {@code requested} with its times set, as a change from {@code previous} (null: a new app). */
  private AppDefinition stamp(AppDefinition previous, AppDefinition requested) {
    Instant now = after(previous);
    if (previous == null) {
      return requested.toBuilder().version(now).lastConfigChangeAt(now).lastScalingAt(now).build();
    }
    boolean scaled = previous.instances() != requested.instances();
    if (previous.isConfigChange(requested)) {
      return requested.toBuilder().version(now).lastConfigChangeAt(now)
          .lastScalingAt(scaled ? now : previous.lastScalingAt()).build();
    }
    if (scaled) {
      return requested.toBuilder().version(now).lastConfigChangeAt(previous.lastConfigChangeAt())
          .lastScalingAt(now).build();
    }
    return requested.toBuilder().version(previous.version()).lastConfigChangeAt(previous.lastConfigChangeAt())
        .lastScalingAt(previous.lastScalingAt()).build();
  }
}
