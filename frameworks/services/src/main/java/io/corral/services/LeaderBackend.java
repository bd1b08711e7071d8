package io.corral.services;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.DeploymentResult;
import io.corral.services.app.KillResult;
import io.corral.services.app.ServiceException;
import io.corral.services.app.ServicesBackend;
import io.corral.services.app.ServicesSnapshot;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the API calls, on an instance that may not have recovered yet: the engine's backend once it
 * has ({@link #recovered}), a 503 before. Apps are refused (422) whose {@code role} is neither the
 * framework's nor their top-level group's ({@link #allowedRoles}), the roles the framework
 * subscribes in (see docs/services.md).
 */
final class LeaderBackend implements ServicesBackend {
  private final String role;
  private volatile ServicesBackend engine;

  /** @param role the framework's role ({@code --role}) */
  LeaderBackend(String role) {
    this.role = role;
  }

  /** The engine is ready: from now on every call goes to {@code backend}. */
  void recovered(ServicesBackend backend) {
    engine = backend;
  }

  private ServicesBackend engine() {
    ServicesBackend b = engine;
    if (b == null) {
      throw new ServiceException(503, "this services instance has not loaded its state yet; try again in a moment");
    }
    return b;
  }

  private AppDefinition inRole(AppDefinition app) {
    List<String> allowed = allowedRoles(app.id(), role);
    if (app.role() != null && !allowed.contains(app.role())) {
      throw new ServiceException(422, "role " + app.role() + " is not allowed for " + app.id().path()
          + ": expected one of " + allowed + " (the framework's --role, or the app's top-level group)");
    }
    return app;
  }

  /**
   * The roles an app may run in, as Marathon 1.9+ allows them: the framework's, and for an app in a
   * group the role named as its top-level group ({@code /eng/web} may run in {@code eng}).
   */
  static List<String> allowedRoles(AppId id, String frameworkRole) {
    List<String> segments = id.segments();
    if (segments.size() < 2 || segments.get(0).equals(frameworkRole)) {
      return List.of(frameworkRole);
    }
    return List.of(frameworkRole, segments.get(0));
  }

  @Override
  public ServicesSnapshot snapshot() {
    return engine().snapshot();
  }

  @Override
  public CompletableFuture<DeploymentResult> createApp(AppDefinition app) {
    return engine().createApp(inRole(app));
  }

  @Override
  public CompletableFuture<DeploymentResult> putApp(AppDefinition app, boolean force) {
    return engine().putApp(inRole(app), force);
  }

  @Override
  public CompletableFuture<DeploymentResult> deleteApp(AppId id, boolean force) {
    return engine().deleteApp(id, force);
  }

  @Override
  public CompletableFuture<DeploymentResult> restartApp(AppId id, boolean force) {
    return engine().restartApp(id, force);
  }

  @Override
  public CompletableFuture<KillResult> killTasks(List<String> taskIds, boolean scale, boolean wipe, boolean force) {
    return engine().killTasks(taskIds, scale, wipe, force);
  }

  @Override
  public CompletableFuture<DeploymentResult> deleteDeployment(String id, boolean force) {
    return engine().deleteDeployment(id, force);
  }
}
