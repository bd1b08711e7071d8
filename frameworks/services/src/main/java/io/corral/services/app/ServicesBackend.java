package io.corral.services.app;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the REST API asks of the services engine. Every command returns at once; its future is
 * completed from the engine's loop once the change is stored (not when the deployment it starts
 * has finished), or completed exceptionally with a {@link ServiceException} saying why it was
 * refused. Callable from any thread.
 */
public interface ServicesBackend {
  /** The latest published state; never blocks. */
  ServicesSnapshot snapshot();

  /** Creates an app; 409 if one with its id exists. */
  CompletableFuture<DeploymentResult> createApp(AppDefinition app);

  /**
   * Creates or replaces an app (a PATCH arrives here merged); 409 while a deployment changes it,
   * unless {@code force} (which cancels that deployment).
   */
  CompletableFuture<DeploymentResult> putApp(AppDefinition app, boolean force);

  /** Stops all its tasks and forgets the app; 404 if unknown. */
  CompletableFuture<DeploymentResult> deleteApp(AppId id, boolean force);

  /** Replaces all its tasks as its upgrade strategy allows; 404 if unknown. */
  CompletableFuture<DeploymentResult> restartApp(AppId id, boolean force);

  /**
   * Kills the tasks. With {@code scale} each app's {@code instances} goes down by the number of its
   * tasks killed (a deployment); without, the tasks are replaced. {@code wipe} also forgets them
   * (resident tasks in Marathon; here the same as a kill).
   */
  CompletableFuture<KillResult> killTasks(List<String> taskIds, boolean scale, boolean wipe, boolean force);

  /**
   * Ends a deployment: {@code force} only stops it where it is; otherwise a new deployment rolls its
   * apps back to the versions before it. 404 if unknown.
   */
  CompletableFuture<DeploymentResult> deleteDeployment(String id, boolean force);
}
