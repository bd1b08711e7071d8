package io.corral.services.app;

/**
 * A refused command, with the HTTP status the API answers it with and Marathon's message: 404 for
 * an unknown app, task or deployment, 409 for an app locked by a deployment (unless forced) or one
 * that exists already, 422 for an invalid definition.
 */
public final class ServiceException extends RuntimeException {
  private final int status;

  public ServiceException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ServiceException unknownApp(AppId id) {
    return new ServiceException(404, "App '" + id + "' does not exist");
  }

  public static ServiceException unknownTask(String taskId) {
    return new ServiceException(404, "Task '" + taskId + "' does not exist");
  }

  public static ServiceException unknownDeployment(String id) {
    return new ServiceException(404, "DeploymentPlan " + id + " does not exist");
  }

  public static ServiceException appExists(AppId id) {
    return new ServiceException(409, "An app with id [" + id + "] already exists.");
  }

  public static ServiceException locked(AppId id) {
    return new ServiceException(409, "App is locked by one or more deployments. Override with the option '?force=true'."
        + " View details at '/v2/deployments/<DEPLOYMENT_ID>'.");
  }
}
