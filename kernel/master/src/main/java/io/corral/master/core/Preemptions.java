package io.corral.master.core;

import io.corral.common.resources.Resources;
import io.corral.master.allocator.AllocatorView;
import io.corral.master.allocator.MinAllocatable;
import io.corral.master.preemption.Notice;
import io.corral.master.preemption.NoticeStore;
import io.corral.master.preemption.VictimChooser;
import io.corral.master.roles.RoleNames;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preemption with notice, on the master's loop. After each allocation cycle ({@link #pass}) a role
 * below its guarantee with demand (an active, unsuppressed framework in it or below it), whose lack
 * the cluster's free resources and the tasks already under notice for it do not cover, gets tasks
 * of other roles chosen for it ({@link VictimChooser}); their frameworks are sent a {@code
 * PreemptionNotice}, and at its deadline ({@code --preemption-grace} later) what still runs is killed
 * ({@code TASK_KILLED}, {@code REASON_PREEMPTED}) as far as the role still lacks it: a task the role
 * no longer needs (others ended meanwhile) is left running. The notices are saved ({@link
 * NoticeStore}), so a new leader kills the same tasks at the same deadlines, and are sent again to a
 * framework that re-subscribes before its deadline.
 */
final class Preemptions {
  private static final Logger LOG = LoggerFactory.getLogger(Preemptions.class);

  private final MasterState s;
  private final OfferManager offers;
  private final AgentRecovery recovery;
  private final Predicate<TaskEntry> schedulerTask;
  /** Needs smaller than this are not worth a preemption (the allocator's smallest offer). */
  private final MinAllocatable worthIt;
  /** Tasks under notice, in the order they were chosen. */
  private final Map<TaskKey, Notice> notices = new LinkedHashMap<>();
  /** Those of {@link #notices} killed at their deadline, not yet ended. */
  private final Set<TaskKey> killed = new HashSet<>();
  private NoticeStore store = NoticeStore.inMemory();
  /** Notices a new leader loaded, adopted once its agents are back. */
  private List<Notice> loaded = List.of();

  /**
   * @param schedulerTask whether a task is its framework's own scheduler (taken only once the
   *     framework's other tasks are gone)
   */
  Preemptions(MasterState s, OfferManager offers, AgentRecovery recovery, Predicate<TaskEntry> schedulerTask) {
    this.s = s;
    this.offers = offers;
    this.recovery = recovery;
    this.schedulerTask = schedulerTask;
    this.worthIt = new MinAllocatable(s.config.minAllocatable());
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

  // ---- choosing ----------------------------------------------------------------------------------

  /** After an allocation cycle: chooses tasks for the roles below their guarantee that free resources cannot serve. */
  void pass() {
    if (!s.config.preemption() || !s.mayAct() || recovery.recovering()) {
      return;
    }
    AllocatorView view = s.allocator.view();
    Map<String, Resources> lacking = view.lackingGuarantees();
    if (lacking.isEmpty()) {
      return;
    }
    List<String> roles = new ArrayList<>();
    lacking.keySet().stream().filter(view::demand).forEach(roles::add);
    if (roles.isEmpty()) {
      return;
    }
    // Sub-roles first: what is under notice for them counts towards their ancestors' needs.
    roles.sort(Comparator.comparingInt((String r) -> -depth(r)).thenComparing(r -> r));
    Map<String, Long> free = new HashMap<>(freeResources().scalarMillis());
    List<VictimChooser.Need> needs = new ArrayList<>();
    for (String role : roles) {
      Map<String, Long> need = new HashMap<>(lacking.get(role).scalarMillis());
      subtract(need, underNotice(role, false));
      take(need, free);
      Resources amount = resources(need);
      if (worthIt.allows(amount)) {
        needs.add(new VictimChooser.Need(role, amount));
      }
    }
    if (needs.isEmpty()) {
      return;
    }
    // What other roles' offers hold is free again once rescinded: the next cycle offers it to the roles
    // below their guarantee first. Tasks are chosen for what that leaves.
    needs = rescindOffersFor(needs, lacking.keySet());
    if (!needs.isEmpty()) {
      choose(needs, view);
    }
  }

  private void choose(List<VictimChooser.Need> needs, AllocatorView view) {
    List<VictimChooser.Candidate> candidates = new ArrayList<>();
    Set<String> roles = new HashSet<>();
    for (FrameworkEntry fw : s.frameworks.values()) {
      for (TaskEntry t : fw.tasks().values()) {
        if (!notices.containsKey(t.key()) && preemptible(t)) {
          candidates.add(new VictimChooser.Candidate(fw.id(), t.taskId(), t.agentId(), fw.role(),
              t.resources().scalarsOnly(), t.launchedAt(), schedulerTask.test(t)));
          roles.addAll(chain(fw.role()));
        }
      }
    }
    if (candidates.isEmpty()) {
      return;
    }
    needs.forEach(n -> roles.addAll(chain(n.role())));
    Map<String, Resources> allocation = new HashMap<>();
    roles.forEach(r -> allocation.put(r, view.roleAllocation(r)));
    Map<String, Resources> guarantees = new HashMap<>();
    s.roleSettings.quotas().forEach((role, q) -> {
      if (!q.guarantee().isEmpty()) {
        guarantees.put(role, q.guarantee());
      }
    });
    List<VictimChooser.Victim> victims =
        new VictimChooser(candidates, allocation, guarantees, view.totals()).choose(needs);
    if (victims.isEmpty()) {
      LOG.debug("roles {} are below their guarantee but no task may be preempted for them", needs);
      return;
    }
    Instant deadline = s.now().plus(s.config.preemptionGrace());
    List<TaskKey> keys = new ArrayList<>();
    for (VictimChooser.Victim v : victims) {
      VictimChooser.Candidate c = v.task();
      Notice n = new Notice(c.frameworkId(), c.taskId(), c.agentId(), v.forRole(), deadline);
      TaskKey key = new TaskKey(c.frameworkId(), c.taskId());
      notices.put(key, n);
      keys.add(key);
    }
    send(keys.stream().map(notices::get).toList());
    expireAt(deadline, keys);
    save();
    LOG.info("preemption for {}: {} task(s) under notice, killed at {} if still needed", needs, victims.size(),
        deadline);
  }

  /**
   * Rescinds the offers of frameworks in roles not below their guarantee (nor under one that is) that
   * hold something a need lacks, and returns the needs less what those offers held.
   */
  private List<VictimChooser.Need> rescindOffersFor(List<VictimChooser.Need> needs, Set<String> lackingRoles) {
    Map<String, Long> lacking = new HashMap<>();
    needs.forEach(n -> n.amount().scalarMillis().forEach((k, v) -> lacking.merge(k, v, Long::sum)));
    Map<String, Long> freed = new HashMap<>();
    for (FrameworkEntry fw : List.copyOf(s.frameworks.values())) {
      if (fw.offerIds().isEmpty() || chain(fw.role()).stream().anyMatch(lackingRoles::contains)) {
        continue;
      }
      Resources held = Resources.builder().build();
      for (String id : fw.offerIds()) {
        io.corral.master.state.OfferEntry o = s.offers.get(id);
        if (o != null) {
          held = held.plus(o.resources().scalarsOnly());
        }
      }
      if (!helps(held, lacking)) {
        continue;
      }
      LOG.info("rescinding the offers of framework {} (role {}: {}) for roles below their guarantee", fw.id(),
          fw.role(), held);
      offers.rescindAllOfFramework(fw, true);
      held.scalarMillis().forEach((k, v) -> freed.merge(k, v, Long::sum));
    }
    if (freed.isEmpty()) {
      return needs;
    }
    List<VictimChooser.Need> left = new ArrayList<>();
    for (VictimChooser.Need n : needs) {
      Map<String, Long> need = new HashMap<>(n.amount().scalarMillis());
      take(need, freed);
      Resources amount = resources(need);
      if (worthIt.allows(amount)) {
        left.add(new VictimChooser.Need(n.role(), amount));
      }
    }
    return left;
  }

  /** A task that holds resources on a connected agent and is not being killed. */
  private boolean preemptible(TaskEntry t) {
    if (t.state() == TaskState.TASK_KILLING || t.state() == TaskState.TASK_UNREACHABLE) {
      return false;
    }
    AgentEntry agent = s.agents.get(t.agentId());
    return agent != null && agent.isConnected();
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
    Map<String, Long> free = new HashMap<>(freeResources().scalarMillis());
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
        subtract(need, underNotice(r, true));
        take(need, free);
        return need;
      });
      if (t == null || !helps(t.resources(), lack) || !kill(t, n)) {
        notices.remove(key);
        lapsed += t == null ? 0 : 1;
        continue;
      }
      kills++;
      subtract(lack, t.resources().scalarMillis());
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
    FrameworkEntry fw = s.frameworks.get(t.frameworkId());
    String role = fw == null ? null : fw.role();
    if (role == null) {
      return;
    }
    for (String r : chain(role)) {
      s.preemptions.merge(r, 1L, Long::sum);
      s.reclaimed.merge(r, t.resources().scalarsOnly(), Resources::plus);
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /** The task a notice names, if it still runs. */
  private TaskEntry live(Notice n) {
    FrameworkEntry fw = s.frameworks.get(n.frameworkId());
    TaskEntry t = fw == null ? null : fw.tasks().get(n.taskId());
    return t == null || t.state() == TaskState.TASK_UNREACHABLE ? null : t;
  }

  /** What tasks under notice for {@code role} or below it hold (only those already killed, if asked). */
  private Map<String, Long> underNotice(String role, boolean killedOnly) {
    Map<String, Long> out = new HashMap<>();
    for (Map.Entry<TaskKey, Notice> e : notices.entrySet()) {
      if (RoleNames.isWithin(e.getValue().role(), role) && (!killedOnly || killed.contains(e.getKey()))) {
        TaskEntry t = live(e.getValue());
        if (t != null) {
          t.resources().scalarMillis().forEach((k, v) -> out.merge(k, v, Long::sum));
        }
      }
    }
    return out;
  }

  /** What is free on the agents that may be offered (connected, not draining). */
  private Resources freeResources() {
    Resources.Builder b = Resources.builder();
    for (AgentEntry agent : s.agents.values()) {
      if (agent.isConnected() && !agent.isDrained()) {
        b.add(s.allocator.view().free(agent.id()).scalarsOnly());
      }
    }
    return b.build();
  }

  private void save() {
    List<Notice> now = List.copyOf(notices.values());
    store.save(now).whenComplete((ok, e) -> {
      if (e != null) {
        LOG.warn("could not save the {} preemption notice(s): {}; a new leader would not honour them",
            now.size(), e.getMessage());
      }
    });
  }

  private static boolean helps(Resources held, Map<String, Long> lack) {
    for (Map.Entry<String, Long> e : held.scalarMillis().entrySet()) {
      if (e.getValue() > 0 && lack.getOrDefault(e.getKey(), 0L) > 0) {
        return true;
      }
    }
    return false;
  }

  private static void subtract(Map<String, Long> from, Map<String, Long> amounts) {
    amounts.forEach((k, v) -> from.computeIfPresent(k, (key, have) -> have - v));
  }

  /** Takes from {@code pool} what {@code need} lacks of it (both change). */
  private static void take(Map<String, Long> need, Map<String, Long> pool) {
    for (Map.Entry<String, Long> e : need.entrySet()) {
      long have = pool.getOrDefault(e.getKey(), 0L);
      long used = Math.max(0, Math.min(have, e.getValue()));
      e.setValue(e.getValue() - used);
      pool.put(e.getKey(), have - used);
    }
  }

  private static Resources resources(Map<String, Long> millis) {
    Resources.Builder b = Resources.builder();
    millis.forEach((k, v) -> {
      if (v > 0) {
        b.scalar(k, v / 1000.0);
      }
    });
    return b.build();
  }

  private static int depth(String role) {
    return (int) role.chars().filter(c -> c == '/').count();
  }

  private static List<String> chain(String role) {
    List<String> out = new ArrayList<>();
    out.add(role);
    if (!role.equals(RoleNames.DEFAULT)) {
      out.addAll(RoleNames.ancestors(role));
    }
    return out;
  }
}
