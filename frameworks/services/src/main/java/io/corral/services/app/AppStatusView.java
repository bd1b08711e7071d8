package io.corral.services.app;

import java.util.List;
import java.util.Objects;

/**
 * An app with what is known of its tasks, as {@code GET /v2/apps} shows it.
 *
 * @param app its current definition
 * @param tasksStaged tasks launched and not yet running
 * @param tasksRunning tasks running
 * @param tasksHealthy running tasks whose health checks all pass
 * @param tasksUnhealthy running tasks with a failing health check
 * @param deploymentIds the deployments in flight that change it
 * @param lastTaskFailure the last task of it that failed, null if none did
 * @param tasks its tasks
 */
public record AppStatusView(AppDefinition app, int tasksStaged, int tasksRunning, int tasksHealthy,
    int tasksUnhealthy, List<String> deploymentIds, TaskFailureView lastTaskFailure, List<TaskView> tasks) {
  public AppStatusView {
    Objects.requireNonNull(app, "app");
    deploymentIds = deploymentIds == null ? List.of() : List.copyOf(deploymentIds);
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
  }
}
