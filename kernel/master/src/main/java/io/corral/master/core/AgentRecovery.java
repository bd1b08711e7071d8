package io.corral.master.core;

import io.corral.common.loop.EventLoop;
import io.corral.master.registry.AgentRecord;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.TaskEntry;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the registry is for: after an election, the new leader expects back every agent the
 * registry admitted, waits for them up to the re-register timeout, and then marks the missing
 * ones unreachable; agents unreachable past the gone timeout are removed for good. Until an
 * expected agent is back, reconciliation of its tasks waits for it rather than answering a
 * misleading TASK_UNKNOWN. It also keeps the frameworks' view of the largest agent current
 * ({@link LargestAgent}) as agents come back, register or are removed. Loop-owned.
 */
final class AgentRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRecovery.class);

  private final MasterState s;
  private final TaskBook book;
  private final LargestAgent largest;
  private final Set<String> expected = new LinkedHashSet<>();
  private final Map<String, List<Runnable>> deferred = new HashMap<>();
  private final List<Runnable> untilRecovered = new ArrayList<>();
  private Runnable onRecovered = () -> { };
  private boolean recovering;
  private EventLoop.Cancellable timer;

  AgentRecovery(MasterState state, TaskBook book, LargestAgent largest) {
    this.s = state;
    this.book = book;
    this.largest = largest;
  }

  /** This master was elected: the registry's admitted agents are expected back. */
  void start(Map<String, AgentRecord> registry, Runnable recovered) {
    s.electedAt = s.now();
    s.records.putAll(registry);
    onRecovered = recovered;
    registry.forEach((id, r) -> {
      if (r.state() == AgentRecord.State.ADMITTED && !s.agents.containsKey(id)) {
        expected.add(id);
      }
    });
    recovering = true;
    LOG.info("recovering: waiting up to {} for {} agent(s) of the registry to re-register ({} unreachable, {} gone)",
        s.config.agentReregisterTimeout(), expected.size(), count(registry, AgentRecord.State.UNREACHABLE),
        count(registry, AgentRecord.State.GONE));
    if (expected.isEmpty()) {
      done();
    } else {
      timer = s.loop.schedule(s.config.agentReregisterTimeout(), this::timedOut);
      largest.refresh(false); // unknown until the registry's agents are back
    }
  }

  private static long count(Map<String, AgentRecord> registry, AgentRecord.State state) {
    return registry.values().stream().filter(r -> r.state() == state).count();
  }

  /** An agent (re-)registered. */
  void agentBack(String agentId) {
    List<Runnable> waiting = deferred.remove(agentId);
    if (expected.remove(agentId) && expected.isEmpty() && recovering) {
      done();
    }
    largest.refresh(!recovering());
    if (waiting != null) {
      waiting.forEach(Runnable::run);
    }
  }

  /** Whether the agent is expected back and not here yet. */
  boolean awaiting(String agentId) {
    return expected.contains(agentId);
  }

  /** Whether agents of the registry are still expected back. */
  boolean recovering() {
    return recovering && !expected.isEmpty();
  }

  /** Runs {@code answer} once every expected agent is back or given up on. */
  void whenRecovered(Runnable answer) {
    if (recovering()) {
      untilRecovered.add(answer);
    } else {
      answer.run();
    }
  }

  /** Runs {@code answer} once the agent is back or given up on. */
  void whenSettled(String agentId, Runnable answer) {
    deferred.computeIfAbsent(agentId, id -> new ArrayList<>()).add(answer);
  }

  private void timedOut() {
    LOG.warn("{} agent(s) did not re-register within {}: marking them unreachable: {}", expected.size(),
        s.config.agentReregisterTimeout(), expected);
    for (String id : List.copyOf(expected)) {
      expected.remove(id);
      recordUnreachable(id);
      SchedulerEvent lost = SchedulerEvent.newBuilder()
          .setFailure(SchedulerEvent.Failure.newBuilder().setAgentId(id)).build();
      s.frameworks.values().forEach(f -> f.send(lost));
      List<Runnable> waiting = deferred.remove(id);
      if (waiting != null) {
        waiting.forEach(Runnable::run);
      }
    }
    done();
  }

  private void done() {
    if (timer != null) {
      timer.cancel();
    }
    if (recovering) {
      recovering = false;
      LOG.info("recovery done: {} agent(s) registered", s.agents.size());
      largest.refresh(true);
      onRecovered.run();
    }
    List<Runnable> waiting = List.copyOf(untilRecovered);
    untilRecovered.clear();
    waiting.forEach(Runnable::run);
  }

  /** Notes in the registry that an agent is unreachable (since now). */
  void recordUnreachable(String agentId) {
    write(agentId, recordOf(agentId).withState(AgentRecord.State.UNREACHABLE, s.clock.millis()));
  }

  /** The registry's view of an agent this master does not serve: unreachable, gone, or unknown. */
  AgentRecord.State recorded(String agentId) {
    AgentRecord r = s.records.get(agentId);
    return r == null ? null : r.state();
  }

  /** Removes agents unreachable for longer than the gone timeout (if one is set). */
  void removeLongGone() {
    Duration timeout = s.config.agentGoneTimeout();
    if (timeout.isZero()) {
      return;
    }
    long cutoff = s.clock.millis() - timeout.toMillis();
    for (Map.Entry<String, AgentRecord> e : List.copyOf(s.records.entrySet())) {
      if (e.getValue().state() == AgentRecord.State.UNREACHABLE && e.getValue().sinceMillis() <= cutoff) {
        markGone(e.getKey());
      }
    }
  }

  private void markGone(String agentId) {
    LOG.warn("agent {} has been unreachable for longer than {}: removing it for good", agentId,
        s.config.agentGoneTimeout());
    write(agentId, recordOf(agentId).withState(AgentRecord.State.GONE, s.clock.millis()));
    AgentEntry agent = s.agents.remove(agentId);
    if (agent == null) {
      return;
    }
    largest.refresh(!recovering());
    for (TaskEntry t : new ArrayList<>(agent.tasks().values())) {
      TaskStatus gone = Statuses.master(t.frameworkId(), t.taskId(), agentId, TaskState.TASK_GONE,
          TaskStatusReason.REASON_AGENT_REMOVED, "agent " + agentId + " was removed: unreachable for longer than "
              + s.config.agentGoneTimeout(), s.nowSeconds());
      if (book.apply(t, gone)) {
        FrameworkEntry fw = s.frameworks.get(t.frameworkId());
        if (fw != null) {
          fw.send(Statuses.update(gone));
        }
      }
    }
  }

  private AgentRecord recordOf(String agentId) {
    AgentRecord r = s.records.get(agentId);
    return r != null ? r : new AgentRecord(AgentRecord.State.ADMITTED, s.clock.millis());
  }

  /** Notes in the registry that an operator drained the agent (until then), or put it back ({@link AgentRecord#NOT_DRAINED}). */
  void recordDrain(String agentId, long untilMillis) {
    write(agentId, recordOf(agentId).withDrain(untilMillis));
  }

  private void write(String agentId, AgentRecord record) {
    s.records.put(agentId, record);
    s.registry.put(agentId, record).whenComplete((v, error) -> {
      if (error != null) {
        LOG.warn("could not record agent {} as {} in the registry: {}", agentId, record.state(), error.toString());
      }
    });
  }
}
