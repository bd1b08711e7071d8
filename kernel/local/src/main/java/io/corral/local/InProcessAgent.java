package io.corral.local;

import io.corral.agent.Agent;

/** An agent running in the cluster's JVM. */
final class InProcessAgent implements LocalAgent {
  private final int index;
  private final Agent agent;

  InProcessAgent(int index, Agent agent) {
    this.index = index;
    this.agent = agent;
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public String agentId() {
    return agent.agentId();
  }

  public Agent agent() {
    return agent;
  }

  @Override
  public void stop() {
    agent.close();
  }

  @Override
  public void kill() {
    throw new UnsupportedOperationException("in-process agents cannot be killed; use Mode.PROCESSES");
  }
}
