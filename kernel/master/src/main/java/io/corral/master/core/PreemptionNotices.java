package io.corral.master.core;

import io.corral.common.resources.Resources;
import io.corral.master.preemption.Notice;
import io.corral.master.preemption.NoticeStore;
import io.corral.common.roles.RoleNames;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.TaskEntry;
import io.corral.master.state.TaskKey;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The preemption notices the master sent and has not carried out ({@link Preemptions} makes them):
 * sends them (again to a framework that re-subscribes, with the same deadline), kills at each
 * deadline what is still running and still needed by the role it was taken for, counts what ended
 * under a notice, and saves them whole ({@link NoticeStore}) so that a new leader, which adopts them
 * once its agents are back, honours them. On the master's loop.
 */
final class PreemptionNotices {
  private static final Logger LOG = LoggerFactory.getLogger(PreemptionNotices.class);

  private final MasterState s;
  private final AgentRecovery recovery;
  /** Tasks under notice, in the order they were chosen. */
  private final Map<TaskKey, Notice> notices = new LinkedHashMap<>();
  /** Those of {@link #notices} killed at their deadline, not yet ended. */
  private final Set<TaskKey> killed = new HashSet<>();
  private NoticeStore store = NoticeStore.inMemory();
  /** Notices a new leader loaded, adopted once its agents are back. */
  private List<Notice> loaded = List.of();

  PreemptionNotices(MasterState s, AgentRecovery recovery) {
    this.s = s;
    this.recovery = recovery;
  }

  /** The notices a new leader loaded from {@code store}; they are carried out once recovery is over. */
  void install(NoticeStore store, List<Notice> saved) {
    this.store = store;
    this.loaded = List.copyOf(saved);
  }

  /** Recovery started: adopt the loaded notices once the registry's agents are back (their tasks known). */
  void recoveryStarted() {
    recovery.whenRecovered(this::adopt);
  }

  private void adopt() {
    List<Notice> from = loaded;
    loaded = List.of();
    if (from.isEmpty()) {
      return;
    }
    if (!s.config.preemption()) {
      save(); // preemption is off: the notices of a leader that had it on are not carried out
      return;
    }
    Map<Instant, List<TaskKey>> byDeadline = new TreeMap<>();
    for (Notice n : from) {
      TaskEntry t = live(n);
      if (t != null) {
        notices.put(t.key(), n);
        byDeadline.computeIfAbsent(n.deadline(), d -> new ArrayList<>()).add(t.key());
      }
    }
    LOG.info("{} task(s) under preemption notice taken over from the previous leader ({} no longer run)",
        notices.size(), from.size() - notices.size());
    byDeadline.forEach(this::expireAt);
    for (FrameworkEntry fw : s.frameworks.values()) {
      if (fw.isConnected()) {
        resubscribed(fw);
      }
    }
    save();
  }

  /** Whether the task is under notice already. */
  boolean contains(TaskKey key) {
    return notices.containsKey(key);
  }

  /**
   * Puts the chosen tasks under notice until {@code deadline} and saves; their frameworks are told
   * once the save is done, so that a notice a framework has seen is one a new leader honours.
   */
  void add(List<Notice> chosen, Instant deadline) {
    List<TaskKey> keys = new ArrayList<>();
    for (Notice n : chosen) {
      TaskKey key = new TaskKey(n.frameworkId(), n.taskId());
      notices.put(key, n);
      keys.add(key);
    }
    expireAt(deadline, keys);
    save().whenComplete((ok, e) -> s.loop.execute(() -> send(stillUnder(chosen))));
  }

  /** Those of {@code chosen} still under notice and not killed yet. */
  private List<Notice> stillUnder(List<Notice> chosen) {
    List<Notice> out = new ArrayList<>();
    for (Notice n : chosen) {
      TaskKey key = new TaskKey(n.frameworkId(), n.taskId());
      if (n.equals(notices.get(key)) && !killed.contains(key)) {
        out.add(n);
      }
    }
    return out;
  }

  // ---- notices -----------------------------------------------------------------------------------

  /** Sends the notices, one event per framework, role and deadline, to the frameworks connected. */
  private void send(List<Notice> list) {
    Map<String, Map<String, SchedulerEvent.PreemptionNotice.Builder>> byFramework = new LinkedHashMap<>();
    for (Notice n : list) {
      String group = n.role() + "@" + n.deadline().toEpochMilli();
      byFramework.computeIfAbsent(n.frameworkId(), f -> new LinkedHashMap<>()).computeIfAbsent(group,
          g -> SchedulerEvent.PreemptionNotice.newBuilder().setRole(n.role())
              .setDeadlineSeconds(n.deadline().toEpochMilli() / 1000.0))
          .addTasks(SchedulerEvent.PreemptionNotice.Task.newBuilder().setTaskId(n.taskId()).setAgentId(n.agentId()));
    }
    byFramework.forEach((frameworkId, groups) -> {
      FrameworkEntry fw = s.frameworks.get(frameworkId);
      if (fw == null || !fw.isConnected()) {
        return; // sent when it subscribes again
      }
      for (SchedulerEvent.PreemptionNotice.Builder b : groups.values()) {
        Instant deadline = Instant.ofEpochMilli((long) (b.getDeadlineSeconds() * 1000));
        b.setMessage("role " + b.getRole() + " is below its guarantee: " + b.getTasksCount()
            + " task(s) of this framework are killed at " + deadline + " unless they end first");
        fw.send(SchedulerEvent.newBuilder().setPreemptionNotice(b).build());
      }
    });
  }

  /** A framework subscribed again: it is told of its tasks still under notice (the deadlines stand). */
  void resubscribed(FrameworkEntry fw) {
    List<Notice> mine = new ArrayList<>();
    for (Map.Entry<TaskKey, Notice> e : notices.entrySet()) {
      if (e.getKey().frameworkId().equals(fw.id()) && !killed.contains(e.getKey())) {
        mine.add(e.getValue());
      }
    }
    if (!mine.isEmpty()) {
      LOG.info("framework {} subscribed again: sending its {} task(s) under preemption notice again", fw.id(),
          mine.size());
      send(mine);
    }
  }

  // ---- deadlines ---------------------------------------------------------------------------------

  private void expireAt(Instant deadline, List<TaskKey> keys) {
    Duration left = Duration.between(s.now(), deadline);
    s.loop.schedule(left.isNegative() ? Duration.ZERO : left, () -> expire(keys));
  }

  /**
   * The deadline of these notices: each task still running is killed while the role it was chosen for
   * still lacks something it holds (its lack less the free resources and the tasks already killed for
   * it); the others are left running and their notices lapse.
   */
  private void expire(List<TaskKey> keys) {
    if (!s.mayAct()) {
      s.loop.schedule(s.config.allocationInterval(), () -> expire(keys)); // not while ZooKeeper is in doubt
      return;
    }
    Map<String, Resources> lacking = s.allocator.view().lackingGuarantees();
    Map<String, Long> free = new HashMap<>(ScalarAmounts.free(s).scalarMillis());
    Map<String, Map<String, Long>> stillLacking = new HashMap<>();
    int kills = 0;
    int lapsed = 0;
    for (TaskKey key : keys) {
      Notice n = notices.get(key);
      if (n == null || killed.contains(key)) {
        continue;
      }
      TaskEntry t = live(n);
      Map<String, Long> lack = stillLacking.computeIfAbsent(n.role(), r -> {
        Map<String, Long> need = new HashMap<>(lacking.getOrDefault(r, Resources.EMPTY).scalarMillis());
        ScalarAmounts.subtract(need, underNotice(r, true));
        ScalarAmounts.take(need, free);
        return need;
      });
      if (t == null || !ScalarAmounts.helps(t.resources().unreserved(), lack) || !kill(t, n)) {
        notices.remove(key);
        lapsed += t == null ? 0 : 1;
        continue;
      }
      kills++;
      ScalarAmounts.subtract(lack, t.resources().unreserved().scalarMillis());
    }
    if (kills + lapsed > 0) {
      LOG.info("preemption deadline: {} task(s) killed, {} no longer needed and left running", kills, lapsed);
    }
    save();
  }

  private boolean kill(TaskEntry t, Notice n) {
    AgentEntry agent = s.agents.get(t.agentId());
    if (agent == null || !agent.isConnected()) {
      return false;
    }
    agent.send(AgentEvent.newBuilder().setKillTask(AgentEvent.KillTask.newBuilder().setFrameworkId(t.frameworkId())
        .setTaskId(t.taskId()).setKillPolicy(KillPolicy.getDefaultInstance())
        .setReason(TaskStatusReason.REASON_PREEMPTED)
        .setMessage("preempted for role " + n.role() + ", which was below its guarantee")).build());
    killed.add(t.key());
    LOG.info("preempting task {}/{} on agent {} for role {}", t.frameworkId(), t.taskId(), t.agentId(), n.role());
    return true;
  }

  /** A task ended: if it was under notice, and was killed, its role counts a preemption and what it held. */
  void taskEnded(TaskEntry t) {
    Notice n = notices.remove(t.key());
    killed.remove(t.key());
    if (n == null || t.state() != TaskState.TASK_KILLED) {
      return;
    }
    for (String r : ScalarAmounts.chain(t.role())) {
      s.preemptions.merge(r, 1L, Long::sum);
      s.reclaimed.merge(r, t.resources().all().scalarsOnly(), Resources::plus);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The task a notice names, if it still runs. */
  private TaskEntry live(Notice n) {
    FrameworkEntry fw = s.frameworks.get(n.frameworkId());
    TaskEntry t = fw == null ? null : fw.tasks().get(n.taskId());
    return t == null || t.state() == TaskState.TASK_UNREACHABLE ? null : t;
  }

  Map<String, Long> underNotice(String role, boolean killedOnly) {
    Map<String, Long> out = new HashMap<>();
    for (Map.Entry<TaskKey, Notice> e : notices.entrySet()) {
      if (RoleNames.isWithin(e.getValue().role(), role) && (!killedOnly || killed.contains(e.getKey()))) {
        TaskEntry t = live(e.getValue());
        if (t != null) {
          t.resources().unreserved().scalarMillis().forEach((k, v) -> out.merge(k, v, Long::sum));
        }
      }
    }
    return out;
  }

  private java.util.concurrent.CompletableFuture<Void> save() {
    List<Notice> now = List.copyOf(notices.values());
    return store.save(now).whenComplete((ok, e) -> {
      if (e != null) {
        LOG.warn("could not save the {} preemption notice(s): {}; a new leader would not honour them",
            now.size(), e.getMessage());
      }
    });
  }
}
