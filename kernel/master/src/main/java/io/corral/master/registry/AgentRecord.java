package io.corral.master.registry;

/**
 * What the registry remembers of one agent across master failovers.
 *
 * @param state admitted, unreachable (since {@code sinceMillis}) or gone for good
 * @param sinceMillis when it entered that state (epoch milliseconds)
 */
public record AgentRecord(State state, long sinceMillis) {

  /** An agent's standing in the registry. */
  public enum State {
    /** Registered with a master; expected back after a failover. */
    ADMITTED,
    /** Missed its pings (or did not come back after a failover); may still return. */
    UNREACHABLE,
    /** Removed for good: if it comes back it must drop its tasks and register afresh. */
    GONE
  }

  static AgentRecord parse(String data) {
    String[] parts = data.trim().split(" ");
    long since = parts.length > 1 ? Long.parseLong(parts[1]) : 0L;
    return new AgentRecord(State.valueOf(parts[0]), since);
  }

  String format() {
    return state + " " + sinceMillis;
  }
}
