package io.corral.local;

/** An agent of a {@link LocalCluster}. */
public interface LocalAgent {
  int index();

  /** The agent's id, once registered. */
  String agentId();

  /** Stops the agent and every executor and task it runs. */
  void stop();

  /**
   * Kills the agent abruptly (SIGKILL for a process), leaving its executors running on their
   * own, as a machine failure of the agent daemon would.
   */
  void kill();

  /** Throws if the agent died unexpectedly. */
  default void checkAlive() {}
}
