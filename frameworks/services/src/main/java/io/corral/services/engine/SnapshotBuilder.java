package io.corral.services.engine;

import io.corral.protocol.TaskState;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.AppStatusView;
import io.corral.services.app.DeploymentView;
import io.corral.services.app.ServicesSnapshot;
import io.corral.services.app.TaskView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the snapshot the API shows from the engine's state, rebuilding only the apps that changed
 * since the last one (an app of a thousand tasks is not redone for another app's update).
 */
final class SnapshotBuilder {
  private final Map<AppId, AppStatusView> views = new HashMap<>();
  private List<DeploymentView> deployments = List.of();
  private ServicesSnapshot last;

  /** Whether anything changed since the last snapshot. */
  boolean changed(EngineModel m) {
    return last == null || m.stale || !m.dirty.isEmpty();
  }

  ServicesSnapshot build(EngineModel m) {
    if (last == null || m.stale) {
      deployments = m.deployments.values().stream().map(Deployment::view).toList();
    }
    for (AppId id : last == null ? m.apps.keySet() : m.dirty) {
      AppDefinition app = m.apps.get(id);
      if (app == null) {
        views.remove(id);
      } else {
        views.put(id, view(m, app));
      }
    }
    Map<AppId, AppStatusView> ordered = new LinkedHashMap<>();
    for (AppId id : m.apps.keySet()) {
      ordered.put(id, views.get(id));
    }
    m.dirty.clear();
    m.stale = false;
    last = new ServicesSnapshot(ordered, deployments, m.frameworkId, m.config.leaderUrl());
    return last;
  }

  private static AppStatusView view(EngineModel m, AppDefinition app) {
    int staged = 0;
    int running = 0;
    int healthy = 0;
    int unhealthy = 0;
    List<TaskView> tasks = new ArrayList<>();
    for (Instance i : m.instances.of(app.id())) {
      tasks.add(i.view());
      if (i.staged()) {
        staged++;
      } else if (i.state() == TaskState.TASK_RUNNING) {
        running++;
        // only a running task's health counts: an unreachable one's last result says nothing of it now
        if (Boolean.TRUE.equals(i.healthy())) {
          healthy++;
        } else if (Boolean.FALSE.equals(i.healthy())) {
          unhealthy++;
        }
      }
    }
    List<String> deploymentIds = m.deployments.values().stream().filter(d -> d.affects(app.id()))
        .map(Deployment::id).toList();
    return new AppStatusView(app, staged, running, healthy, unhealthy, deploymentIds, m.failures.get(app.id()),
        tasks);
  }
}
