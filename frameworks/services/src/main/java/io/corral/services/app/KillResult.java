package io.corral.services.app;

import java.util.List;

/**
 * What a kill did.
 *
 * @param killed the tasks asked to end
 * @param deployment the deployment lowering {@code instances} when the kill scaled; null otherwise
 */
public record KillResult(List<TaskView> killed, DeploymentResult deployment) {
  public KillResult {
    killed = List.copyOf(killed);
  }
}
