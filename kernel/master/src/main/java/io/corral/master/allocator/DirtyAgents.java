package io.corral.master.allocator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which agents the next incremental cycle must look at: those whose free resources grew or that
 * were added or activated; or all of them, after an event that can make a framework take an
 * agent it could not take before (a framework added, activated or revived; a filter expired).
 */
final class DirtyAgents {
  private final List<AgentState> dirty = new ArrayList<>();
  private boolean all;
  /** No filter of an active agent expires before this (it may be earlier than needed). */
  private Instant nextFilterExpiry = Instant.MAX;

  void mark(AgentState agent) {
    if (!agent.dirty) {
      agent.dirty = true;
      dirty.add(agent);
    }
  }

  /** The agent is gone: never return it. */
  void forget(AgentState agent) {
    agent.dirty = false;
  }

  void markAll() {
    all = true;
  }

  void filterAdded(Instant until) {
    if (until.isBefore(nextFilterExpiry)) {
      nextFilterExpiry = until;
    }
  }

  /** Whether the next cycle must look at every agent. */
  boolean all(Instant now) {
    return all || !now.isBefore(nextFilterExpiry);
  }

  /** The active dirty agents, emptying the set. */
  List<AgentState> drain() {
    List<AgentState> out = new ArrayList<>(dirty.size());
    for (AgentState agent : dirty) {
      if (agent.dirty && agent.active) {
        out.add(agent);
      }
      agent.dirty = false;
    }
    dirty.clear();
    return out;
  }

  /**
   * Records that a cycle looked at {@code agents} (which expired their filters on the way).
   *
   * @param full whether those were all the active agents
   */
  void cycled(List<AgentState> agents, boolean full) {
    if (full) {
      drain();
      all = false;
      nextFilterExpiry = Instant.MAX;
    }
    for (AgentState agent : agents) {
      filterAdded(agent.filters.nextExpiry());
    }
  }
}
