package io.corral.bridges.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Agents where the framework's executors keep failing, so that new ones go elsewhere: an agent
 * is failing once {@code limit} failures came each within {@code window} of the one before, and
 * stays so until {@code window} after the last (an empty window: for good). A start there
 * ({@link #started}) wipes its record. Not thread-safe: owned by the framework's loop.
 */
public final class FailingAgents {
  private record Record(int failures, Instant last) {}

  private final int limit;
  private final Optional<Duration> window;
  private final Clock clock;
  private final Map<String, Record> records = new HashMap<>();

  public FailingAgents(int limit, Optional<Duration> window, Clock clock) {
    if (limit < 1) {
      throw new IllegalArgumentException("the limit must be at least 1, got " + limit);
    }
    this.limit = limit;
    this.window = window;
    this.clock = clock;
  }

  /** Agents failing once {@code limit} executors failed there, for good: no time involved. */
  public static FailingAgents forGood(int limit) {
    return new FailingAgents(limit, Optional.empty(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
  }

  /** An executor failed on the agent. */
  public void failed(String agentId) {
    Instant now = clock.instant();
    Record r = records.get(agentId);
    int failures = r != null && recent(r, now) ? r.failures() + 1 : 1;
    records.put(agentId, new Record(failures, now));
  }

  /** An executor started on the agent: its failures are forgotten. */
  public void started(String agentId) {
    records.remove(agentId);
  }

  /** Whether new executors should avoid the agent. */
  public boolean failing(String agentId) {
    Record r = records.get(agentId);
    return r != null && r.failures() >= limit && recent(r, clock.instant());
  }

  /** Failures on the agent counted so far. */
  public int failures(String agentId) {
    Record r = records.get(agentId);
    return r == null ? 0 : r.failures();
  }

  private boolean recent(Record r, Instant now) {
    return window.map(w -> Duration.between(r.last(), now).compareTo(w) < 0).orElse(true);
  }
}
