package io.corral.master.core;

/** Ids handed out by one master: "<master-id>-A3" (agent), "-F0001" (framework), "-O17" (offer). */
final class IdGenerator {
  private final String prefix;
  private long agents;
  private long frameworks;
  private long offers;

  IdGenerator(String masterId) {
    this.prefix = masterId;
  }

  String nextAgentId() {
    return prefix + "-A" + (++agents);
  }

  String nextFrameworkId() {
    return prefix + "-" + String.format("F%04d", ++frameworks);
  }

  String nextOfferId() {
    return prefix + "-O" + (++offers);
  }
}
