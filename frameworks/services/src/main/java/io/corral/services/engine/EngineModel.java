package io.corral.services.engine;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.TaskFailureView;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The engine's state: apps, their tasks, deployments, last failures and launch delays. Owned by the
 * engine's loop; the handlers change it through these methods, which record what to store and what
 * the next snapshot must show anew.
 */
final class EngineModel {
  final EngineConfig config;
  final Clock clock;
  final Map<AppId, AppDefinition> apps = new TreeMap<>(Comparator.comparing(AppId::path));
  final Instances instances = new Instances();
  final Map<String, Deployment> deployments = new LinkedHashMap<>();
  final Map<AppId, TaskFailureView> failures = new HashMap<>();
  final Backoff backoff = new Backoff();
  /** Apps whose view changed since the last snapshot. */
  final Set<AppId> dirty = new HashSet<>();
  /** Whether the deployments or the framework id changed since the last snapshot. */
  boolean stale = true;
  String frameworkId;
  /** Whether offers are suppressed (as last told to the master). */
  boolean suppressed;
  /** The roles the framework is in (as last told to the master): its own, then its apps' others. */
  List<String> roles;
  Instant lastReconcile;

  EngineModel(EngineConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.roles = List.of(config.frameworkRole());
  }

  /** The roles the apps need: the framework's, then the others its apps name, sorted. */
  List<String> rolesWanted() {
    TreeSet<String> others = new TreeSet<>();
    for (AppDefinition a : apps.values()) {
      if (a.role() != null && !a.role().isEmpty() && !a.role().equals(config.frameworkRole())) {
        others.add(a.role());
      }
    }
    List<String> out = new ArrayList<>();
    out.add(config.frameworkRole());
    out.addAll(others);
    return List.copyOf(out);
  }

  Instant now() {
    return clock.instant();
  }

  /** The deployment changing {@code app}, null if none does. */
  Deployment lockOf(AppId app) {
    for (Deployment d : deployments.values()) {
      if (d.affects(app)) {
        return d;
      }
    }
    return null;
  }

  void putApp(AppDefinition app, Effects out) {
    apps.put(app.id(), app);
    dirty.add(app.id());
    out.persist(new StateChange.PutApp(app));
  }

  void removeApp(AppId id, Effects out) {
    apps.remove(id);
    dirty.add(id);
    out.persist(new StateChange.RemoveApp(id));
    if (failures.remove(id) != null) {
      out.persist(new StateChange.RemoveFailure(id));
    }
    backoff.reset(id);
  }

  void putInstance(Instance i, Effects out) {
    instances.put(i);
    dirty.add(i.appId());
    out.persist(new StateChange.PutInstance(i));
  }

  void removeInstance(Instance i, Effects out) {
    instances.remove(i.taskId());
    dirty.add(i.appId());
    out.persist(new StateChange.RemoveInstance(i.taskId()));
  }

  void putDeployment(Deployment d, Effects out) {
    deployments.put(d.id(), d);
    dirty.addAll(d.affectedApps());
    stale = true;
    out.persist(new StateChange.PutDeployment(d));
  }

  void removeDeployment(Deployment d, Effects out) {
    deployments.remove(d.id());
    dirty.addAll(d.affectedApps());
    stale = true;
    out.persist(new StateChange.RemoveDeployment(d.id()));
  }

  void putFailure(TaskFailureView f, Effects out) {
    failures.put(f.appId(), f);
    dirty.add(f.appId());
    out.persist(new StateChange.PutFailure(f));
  }

  Instant configVersion(AppDefinition app) {
    return DeploymentPlanner.configVersion(app);
  }
}
