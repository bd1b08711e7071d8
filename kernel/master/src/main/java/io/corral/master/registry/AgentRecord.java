package io.corral.master.registry;

/**
 * What the registry remembers of one agent across master failovers.
 *
 * @param state admitted, unreachable (since {@code sinceMillis}) or gone for good
 * @param sinceMillis when it entered that state (epoch milliseconds)
 * @param drainUntilMillis when an operator drained it: when its tasks are killed (epoch milliseconds;
 *     in the past once that happened); {@link #NOT_DRAINED} when it is in service
 */
public record AgentRecord(State state, long sinceMillis, long drainUntilMillis) {
  public static final long NOT_DRAINED = -1;

  public AgentRecord(State state, long sinceMillis) {
    this(state, sinceMillis, NOT_DRAINED);
  }

  /** The same agent in another state; a drain stays. */
  public AgentRecord withState(State newState, long since) {
    return new AgentRecord(newState, since, drainUntilMillis);
  }

  public AgentRecord withDrain(long untilMillis) {
    return new AgentRecord(state, sinceMillis, untilMillis);
  }

  public boolean drained() {
    return drainUntilMillis != NOT_DRAINED;
  }

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
    long drain = NOT_DRAINED;
    if (parts.length > 2 && parts[2].startsWith("drain=")) {
      drain = Long.parseLong(parts[2].substring("drain=".length()));
    }
    return new AgentRecord(State.valueOf(parts[0]), since, drain);
  }

  String format() {
    return state + " " + sinceMillis + (drained() ? " drain=" + drainUntilMillis : "");
  }
}
