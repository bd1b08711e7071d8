package io.corral.master.state;

/** Names a task across the cluster: "<framework-id>/<task-id>". */
public record TaskKey(String frameworkId, String taskId) {
  @Override
  public String toString() {
    return frameworkId + "/" + taskId;
  }
}
