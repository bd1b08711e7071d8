package io.corral.master.state;

/** An executor of one framework. */
public record ExecutorKey(String frameworkId, String executorId) {
  @Override
  public String toString() {
    return frameworkId + "/" + executorId;
  }
}
