package io.corral.services;

import io.corral.http.Request;
import io.corral.http.auth.Acls;
import io.corral.http.auth.Authorizer;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.AppStatusView;
import io.corral.services.app.DeploymentResult;
import io.corral.services.app.DeploymentView;
import io.corral.services.app.KillResult;
import io.corral.services.app.ServicesBackend;
import io.corral.services.app.ServicesSnapshot;
import io.corral.services.app.TaskView;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One request's view of the backend under security: every change is allowed only if the ACLs let
 * the request's caller {@code manage_services} each app it changes (by app id prefix: {@code /eng}
 * covers {@code /eng/web}); a refusal is a 403 with the reason, logged. Reads are any authenticated
 * caller's (the HTTP server let none else in). Tasks and deployments count as their apps'; ones the
 * engine does not know are left to it to refuse (404).
 */
final class AuthorizedBackend implements ServicesBackend {
  private final ServicesBackend backend;
  private final Authorizer authorizer;
  private final Request request;

  AuthorizedBackend(ServicesBackend backend, Authorizer authorizer, Request request) {
    this.backend = backend;
    this.authorizer = authorizer;
    this.request = request;
  }

  private void require(AppId app) {
    authorizer.require(request, request.principal(), Acls.Action.MANAGE_SERVICES, app.path());
  }

  @Override
  public ServicesSnapshot snapshot() {
    return backend.snapshot();
  }

  @Override
  public CompletableFuture<DeploymentResult> createApp(AppDefinition app) {
    require(app.id());
    return backend.createApp(app);
  }

  @Override
  public CompletableFuture<DeploymentResult> putApp(AppDefinition app, boolean force) {
    require(app.id());
    return backend.putApp(app, force);
  }

  @Override
  public CompletableFuture<DeploymentResult> deleteApp(AppId id, boolean force) {
    require(id);
    return backend.deleteApp(id, force);
  }

  @Override
  public CompletableFuture<DeploymentResult> restartApp(AppId id, boolean force) {
    require(id);
    return backend.restartApp(id, force);
  }

  @Override
  public CompletableFuture<KillResult> killTasks(List<String> taskIds, boolean scale, boolean wipe, boolean force) {
    Set<String> wanted = Set.copyOf(taskIds);
    Set<AppId> apps = new LinkedHashSet<>();
    for (AppStatusView a : backend.snapshot().apps().values()) {
      for (TaskView t : a.tasks()) {
        if (wanted.contains(t.id())) {
          apps.add(a.app().id());
        }
      }
    }
    apps.forEach(this::require);
    return backend.killTasks(taskIds, scale, wipe, force);
  }

  @Override
  public CompletableFuture<DeploymentResult> deleteDeployment(String id, boolean force) {
    for (DeploymentView d : backend.snapshot().deployments()) {
      if (d.id().equals(id)) {
        d.affectedApps().forEach(this::require);
      }
    }
    return backend.deleteDeployment(id, force);
  }
}
