package io.corral.services.api;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.AppStatusView;
import io.corral.services.app.DeploymentActionView;
import io.corral.services.app.DeploymentResult;
import io.corral.services.app.DeploymentStepView;
import io.corral.services.app.DeploymentView;
import io.corral.services.app.KillResult;
import io.corral.services.app.ServiceException;
import io.corral.services.app.ServicesBackend;
import io.corral.services.app.ServicesSnapshot;
import io.corral.services.app.TaskFailureView;
import io.corral.services.app.TaskView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A services engine in memory for the API's tests: it stores what it is told and makes a deployment
 * per change (which stays until a test finishes it), runs nothing. Tasks are set by the test.
 */
final class InMemoryBackend implements ServicesBackend {
  private final Map<AppId, AppDefinition> apps = new TreeMap<>((a, b) -> a.path().compareTo(b.path()));
  private final Map<AppId, List<TaskView>> tasks = new TreeMap<>((a, b) -> a.path().compareTo(b.path()));
  private final Map<AppId, TaskFailureView> failures = new TreeMap<>((a, b) -> a.path().compareTo(b.path()));
  private final List<DeploymentView> deployments = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private Instant now = Instant.parse("2024-03-01T10:00:00.123Z");
  private int deploymentCount;
  private String leaderUrl = "http://svc1.example.com:8080";

  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  synchronized void tasks(AppId app, List<TaskView> t) {
    tasks.put(app, List.copyOf(t));
  }

  synchronized void failure(TaskFailureView f) {
    failures.put(f.appId(), f);
  }

  synchronized void finishDeployments() {
    deployments.clear();
  }

  synchronized void noLeader() {
    leaderUrl = null;
  }

  @Override
  public synchronized ServicesSnapshot snapshot() {
    Map<AppId, AppStatusView> views = new TreeMap<>((a, b) -> a.path().compareTo(b.path()));
    apps.forEach((id, app) -> {
      List<TaskView> ts = tasks.getOrDefault(id, List.of());
      int running = (int) ts.stream().filter(t -> t.state().equals("TASK_RUNNING")).count();
      int staged = (int) ts.stream().filter(t -> t.state().equals("TASK_STAGING")).count();
      int healthy = (int) ts.stream().filter(t -> Boolean.TRUE.equals(t.healthy())).count();
      int unhealthy = (int) ts.stream().filter(t -> Boolean.FALSE.equals(t.healthy())).count();
      List<String> ds = deployments.stream().filter(d -> d.affectedApps().contains(id)).map(DeploymentView::id).toList();
      views.put(id, new AppStatusView(app, staged, running, healthy, unhealthy, ds, failures.get(id), ts));
    });
    return new ServicesSnapshot(views, deployments, "fw-1", leaderUrl);
  }

  @Override
  public synchronized CompletableFuture<DeploymentResult> createApp(AppDefinition app) {
    calls.add("create " + app.id());
    if (apps.containsKey(app.id())) {
      return CompletableFuture.failedFuture(ServiceException.appExists(app.id()));
    }
    return CompletableFuture.completedFuture(store(app, "StartApplication"));
  }

  @Override
  public synchronized CompletableFuture<DeploymentResult> putApp(AppDefinition app, boolean force) {
    calls.add("put " + app.id() + " force=" + force);
    if (!force && locked(app.id())) {
      return CompletableFuture.failedFuture(ServiceException.locked(app.id()));
    }
    return CompletableFuture.completedFuture(store(app, apps.containsKey(app.id()) ? "RestartApplication" : "StartApplication"));
  }

  @Override
  public synchronized CompletableFuture<DeploymentResult> deleteApp(AppId id, boolean force) {
    calls.add("delete " + id + " force=" + force);
    if (apps.remove(id) == null) {
      return CompletableFuture.failedFuture(ServiceException.unknownApp(id));
    }
    return CompletableFuture.completedFuture(deployment(id, "StopApplication"));
  }

  @Override
  public synchronized CompletableFuture<DeploymentResult> restartApp(AppId id, boolean force) {
    calls.add("restart " + id + " force=" + force);
    if (!apps.containsKey(id)) {
      return CompletableFuture.failedFuture(ServiceException.unknownApp(id));
    }
    if (!force && locked(id)) {
      return CompletableFuture.failedFuture(ServiceException.locked(id));
    }
    return CompletableFuture.completedFuture(deployment(id, "RestartApplication"));
  }

  @Override
  public synchronized CompletableFuture<KillResult> killTasks(List<String> taskIds, boolean scale, boolean wipe,
      boolean force) {
    calls.add("kill " + taskIds + " scale=" + scale + " wipe=" + wipe + " force=" + force);
    List<TaskView> killed = new ArrayList<>();
    tasks.values().forEach(ts -> ts.stream().filter(t -> taskIds.contains(t.id())).forEach(killed::add));
    if (killed.size() != taskIds.size()) {
      return CompletableFuture.failedFuture(new ServiceException(404, "Task '" + taskIds + "' does not exist"));
    }
    if (!scale) {
      return CompletableFuture.completedFuture(new KillResult(killed, null));
    }
    AppId app = killed.get(0).appId();
    AppDefinition def = apps.get(app);
    apps.put(app, def.withInstances(def.instances() - killed.size()));
    return CompletableFuture.completedFuture(new KillResult(killed, deployment(app, "ScaleApplication")));
  }

  @Override
  public synchronized CompletableFuture<DeploymentResult> deleteDeployment(String id, boolean force) {
    calls.add("deleteDeployment " + id + " force=" + force);
    DeploymentView d = deployments.stream().filter(x -> x.id().equals(id)).findFirst().orElse(null);
    if (d == null) {
      return CompletableFuture.failedFuture(ServiceException.unknownDeployment(id));
    }
    deployments.remove(d);
    return CompletableFuture.completedFuture(force ? new DeploymentResult(id, d.version())
        : deployment(d.affectedApps().get(0), "RestartApplication"));
  }

  private boolean locked(AppId id) {
    return deployments.stream().anyMatch(d -> d.affectedApps().contains(id));
  }

  private DeploymentResult store(AppDefinition app, String action) {
    DeploymentResult r = deployment(app.id(), action);
    apps.put(app.id(), app.withVersion(r.version()));
    return r;
  }

  private DeploymentResult deployment(AppId app, String action) {
    now = now.plusSeconds(1);
    String id = "deployment-" + (++deploymentCount);
    DeploymentActionView a = new DeploymentActionView(action, app);
    deployments.add(new DeploymentView(id, now, List.of(app), List.of(new DeploymentStepView(List.of(a))), 1, List.of(a)));
    return new DeploymentResult(id, now);
  }
}
