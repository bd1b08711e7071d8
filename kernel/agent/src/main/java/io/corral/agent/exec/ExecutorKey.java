package io.corral.agent.exec;

/** An executor of one framework on this agent. */
public record ExecutorKey(String frameworkId, String executorId) {
  @Override
  public String toString() {
    return frameworkId + "/" + executorId;
  }
}
