package io.corral.master.core;

import io.corral.common.resources.Resources;
import io.corral.master.allocator.AllocatorView;
import io.corral.master.allocator.MinAllocatable;
import io.corral.master.preemption.Notice;
import io.corral.master.preemption.VictimChooser;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.TaskEntry;
import io.corral.protocol.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preemption with notice, on the master's loop: the choice. After each allocation cycle ({@link
 * #pass}) a role below its guarantee with demand (an active, unsuppressed framework in it or below
 * it), whose lack the cluster's free resources and the tasks already under notice for it do not
 * cover, first has other roles' offers that hold what it lacks rescinded, then tasks of other roles
 * chosen for it ({@link VictimChooser}), put under a notice until {@code --preemption-grace} later;
 * {@link PreemptionNotices} tells their frameworks and, at the deadline, kills ({@code TASK_KILLED},
 * {@code REASON_PREEMPTED}) what the role still lacks.
 */
final class Preemptions {
  private static final Logger LOG = LoggerFactory.getLogger(Preemptions.class);

  private final MasterState s;
  private final OfferManager offers;
  private final AgentRecovery recovery;
  private final PreemptionNotices notices;
  /** Needs smaller than this are not worth a preemption (the allocator's smallest offer). */
  private final MinAllocatable worthIt;

  Preemptions(MasterState s, OfferManager offers, AgentRecovery recovery, PreemptionNotices notices) {
    this.s = s;
    this.offers = offers;
    this.recovery = recovery;
    this.notices = notices;
    this.worthIt = new MinAllocatable(s.config.minAllocatable());
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
    Map<String, Long> free = new HashMap<>(ScalarAmounts.free(s).scalarMillis());
    List<VictimChooser.Need> needs = new ArrayList<>();
    for (String role : roles) {
      Map<String, Long> need = new HashMap<>(lacking.get(role).scalarMillis());
      ScalarAmounts.subtract(need, notices.underNotice(role, false));
      ScalarAmounts.take(need, free);
      Resources amount = ScalarAmounts.resources(need);
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
        // What a task uses of reservations goes back to their role, not to the roles in need.
        Resources shared = t.resources().unreserved().scalarsOnly();
        if (!notices.contains(t.key()) && preemptible(t) && !shared.isEmpty()) {
          candidates.add(new VictimChooser.Candidate(fw.id(), t.taskId(), t.agentId(), t.role(),
              shared, t.launchedAt(), t.schedulerTask()));
          roles.addAll(ScalarAmounts.chain(t.role()));
        }
      }
    }
    if (candidates.isEmpty()) {
      return;
    }
    needs.forEach(n -> roles.addAll(ScalarAmounts.chain(n.role())));
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
    List<Notice> chosen = new ArrayList<>();
    for (VictimChooser.Victim v : victims) {
      VictimChooser.Candidate c = v.task();
      chosen.add(new Notice(c.frameworkId(), c.taskId(), c.agentId(), v.forRole(), deadline));
    }
    notices.add(chosen, deadline);
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
      if (fw.offerIds().isEmpty()) {
        continue;
      }
      // Per role of the framework: its offers for a role below its guarantee (or under one) stay.
      Map<String, List<io.corral.master.state.OfferEntry>> byRole = new HashMap<>();
      for (String id : fw.offerIds()) {
        io.corral.master.state.OfferEntry o = s.offers.get(id);
        if (o != null && ScalarAmounts.chain(o.role()).stream().noneMatch(lackingRoles::contains)) {
          byRole.computeIfAbsent(o.role(), r -> new ArrayList<>()).add(o);
        }
      }
      for (Map.Entry<String, List<io.corral.master.state.OfferEntry>> e : byRole.entrySet()) {
        Resources held = Resources.builder().build();
        for (io.corral.master.state.OfferEntry o : e.getValue()) {
          held = held.plus(o.resources().unreserved().scalarsOnly());
        }
        if (!ScalarAmounts.helps(held, lacking)) {
          continue;
        }
        LOG.info("rescinding the offers of framework {} (role {}: {}) for roles below their guarantee", fw.id(),
            e.getKey(), held);
        offers.rescindOffers(e.getValue());
        held.scalarMillis().forEach((k, v) -> freed.merge(k, v, Long::sum));
      }
    }
    if (freed.isEmpty()) {
      return needs;
    }
    List<VictimChooser.Need> left = new ArrayList<>();
    for (VictimChooser.Need n : needs) {
      Map<String, Long> need = new HashMap<>(n.amount().scalarMillis());
      ScalarAmounts.take(need, freed);
      Resources amount = ScalarAmounts.resources(need);
      if (worthIt.allows(amount)) {
        left.add(new VictimChooser.Need(n.role(), amount));
      }
    }
    return left;
  }

  private static int depth(String role) {
    return (int) role.chars().filter(c -> c == '/').count();
  }

  /** A task that holds resources on a connected agent and is not being killed. */
  private boolean preemptible(TaskEntry t) {
    if (t.state() == TaskState.TASK_KILLING || t.state() == TaskState.TASK_UNREACHABLE) {
      return false;
    }
    AgentEntry agent = s.agents.get(t.agentId());
    return agent != null && agent.isConnected();
  }

}
