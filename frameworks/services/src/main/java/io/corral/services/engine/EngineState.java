package io.corral.services.engine;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.TaskFailureView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the engine stores, all of it: enough for a new leader to carry on ({@link Engine}'s
 * constructor). Stored as small records, one per app, deployment, task and failure
 * ({@link EngineStore}), so that each change writes little; this is them together.
 *
 * @param apps the apps' current definitions
 * @param deployments the deployments in flight
 * @param instances the tasks that have not ended (or whose end was not seen)
 * @param failures each app's last task failure
 */
public record EngineState(List<AppDefinition> apps, List<Deployment> deployments,
    List<Instance> instances, List<TaskFailureView> failures) {
  public static final EngineState EMPTY = new EngineState(List.of(), List.of(), List.of(), List.of());

  public EngineState {
    apps = List.copyOf(apps);
    deployments = List.copyOf(deployments);
    instances = List.copyOf(instances);
    failures = List.copyOf(failures);
  }

  /** This state with {@code changes} applied, in order. */
  public EngineState with(List<StateChange> changes) {
    Map<AppId, AppDefinition> a = new LinkedHashMap<>();
    apps.forEach(x -> a.put(x.id(), x));
    Map<String, Deployment> d = new LinkedHashMap<>();
    deployments.forEach(x -> d.put(x.id(), x));
    Map<String, Instance> i = new LinkedHashMap<>();
    instances.forEach(x -> i.put(x.taskId(), x));
    Map<AppId, TaskFailureView> f = new LinkedHashMap<>();
    failures.forEach(x -> f.put(x.appId(), x));
    for (StateChange c : changes) {
      if (c instanceof StateChange.PutApp p) {
        a.put(p.app().id(), p.app());
      } else if (c instanceof StateChange.RemoveApp r) {
        a.remove(r.id());
      } else if (c instanceof StateChange.PutDeployment p) {
        d.put(p.deployment().id(), p.deployment());
      } else if (c instanceof StateChange.RemoveDeployment r) {
        d.remove(r.id());
      } else if (c instanceof StateChange.PutInstance p) {
        i.put(p.instance().taskId(), p.instance());
      } else if (c instanceof StateChange.RemoveInstance r) {
        i.remove(r.taskId());
      } else if (c instanceof StateChange.PutFailure p) {
        f.put(p.failure().appId(), p.failure());
      } else if (c instanceof StateChange.RemoveFailure r) {
        f.remove(r.app());
      }
    }
    return new EngineState(List.copyOf(a.values()), List.copyOf(d.values()), List.copyOf(i.values()),
        List.copyOf(f.values()));
  }
}
