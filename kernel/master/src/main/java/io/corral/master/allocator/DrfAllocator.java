package io.corral.master.allocator;

import io.corral.common.resources.Resources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The weighted DRF allocator (Mesos {@code HierarchicalDRF}, one role per framework, no quota or
 * reservations): it decides which framework is offered each agent's free resources.
 *
 * <p><b>Threading.</b> Not thread-safe and lock-free by design: the master's event-loop thread
 * owns the instance and makes every call. Time is passed in ({@code Instant now}) and randomness
 * comes from the injected generator, so a run is deterministic.
 *
 * <p><b>Bookkeeping.</b> Resources allocated to a framework on an agent are those offered to it
 * plus those its tasks use. What {@link #allocate} returns is counted as allocated; the master
 * gives back what is not used with {@link #recover}. Free on an agent is its total minus all
 * allocations on it; it goes to one framework at a time, whole, so nothing is offered twice.
 *
 * <p><b>Errors.</b> A call naming an unknown agent or framework, a duplicate id, or an invalid
 * argument throws {@link IllegalArgumentException} (or {@link NullPointerException}) before
 * changing anything. Three exceptions, for calls that race with removals on the master: {@code
 * removeAgent} and {@code removeFramework} of an unknown id do nothing; {@link #recover} for an
 * unknown agent or framework drops the resources (removal already freed them), and recovering
 * more than is allocated returns only what is allocated and logs a warning.
 */
public final class DrfAllocator {
  /** Refusals last at most this long (like Mesos' cap on {@code refuse_seconds}). */
  public static final Duration MAX_REFUSE = Duration.ofDays(365);

  private static final Logger LOG = LoggerFactory.getLogger(DrfAllocator.class);

  private final ResourceIndex index = new ResourceIndex();
  private final DrfSorter sorter = new DrfSorter(index);
  private final Ledger ledger = new Ledger(sorter);
  private final AllocationCycle cycle;

  private final Map<String, AgentState> agents = new HashMap<>();
  private final List<AgentState> agentList = new ArrayList<>();
  private final Map<String, FrameworkState> frameworks = new HashMap<>();
  private final BitSet usedIndices = new BitSet();
  private long nextSeq;

  private final DirtyAgents dirty = new DirtyAgents();

  /** An allocator with the default minimum ({@link MinAllocatable#DEFAULT}). */
  public DrfAllocator(RandomGenerator random) {
    this(random, MinAllocatable.DEFAULT);
  }

  /**
   * @param random shuffles the agents of each cycle
   * @param minimum the smallest free amounts worth offering
   */
  public DrfAllocator(RandomGenerator random, MinAllocatable minimum) {
    this.cycle =
        new AllocationCycle(
            sorter, ledger, Objects.requireNonNull(minimum, "minimum"),
            Objects.requireNonNull(random, "random"));
  }

  // ---- Agents ----

  /** Adds an active agent with nothing allocated (see {@link #addAllocation} for its tasks). */
  public void addAgent(String agentId, Resources total) {
    checkId(agentId, "agentId");
    Objects.requireNonNull(total, "total");
    if (agents.containsKey(agentId)) {
      throw new IllegalArgumentException("agent " + agentId + " is already known");
    }
    AgentState agent = new AgentState(agentId, total);
    agent.position = agentList.size();
    agentList.add(agent);
    agents.put(agentId, agent);
    index.changeTotal(total, 1);
    dirty.mark(agent);
  }

  /** Forgets an agent, its allocations and its filters. Unknown ids are ignored. */
  public void removeAgent(String agentId) {
    AgentState agent = agents.remove(agentId);
    if (agent == null) {
      LOG.debug("Ignoring removal of unknown agent {}", agentId);
      return;
    }
    ledger.releaseAgent(agent);
    agent.filters.clear();
    index.changeTotal(agent.total, -1);
    AgentState last = agentList.remove(agentList.size() - 1);
    if (last != agent) {
      last.position = agent.position;
      agentList.set(agent.position, last);
    }
    dirty.forget(agent);
  }

  /**
   * Changes an agent's total (e.g. its resources were reconfigured). If allocations no longer
   * fit, nothing is taken back: the agent has nothing free until enough is recovered.
   */
  public void updateAgentTotal(String agentId, Resources total) {
    Objects.requireNonNull(total, "total");
    AgentState agent = agent(agentId);
    index.changeTotal(agent.total, -1);
    index.changeTotal(total, 1);
    agent.total = total;
    agent.recomputeFree();
    if (agent.overcommitted()) {
      LOG.warn("{}: allocations {} exceed the new total {}", agent, agent.allocatedSum, total);
    }
    dirty.mark(agent);
  }

  /** Offers the agent's resources again (it reconnected, or draining ended). */
  public void activateAgent(String agentId) {
    AgentState agent = agent(agentId);
    if (!agent.active) {
      agent.active = true;
      dirty.mark(agent);
    }
  }

  /** Stops offering the agent's resources; what is allocated on it still counts. */
  public void deactivateAgent(String agentId) {
    agent(agentId).active = false;
  }

  // ---- Frameworks and roles ----

  /** Adds an active framework in {@code role} ({@code "*"} is the default role). */
  public void addFramework(String frameworkId, String role) {
    checkId(frameworkId, "frameworkId");
    checkId(role, "role");
    if (frameworks.containsKey(frameworkId)) {
      throw new IllegalArgumentException("framework " + frameworkId + " is already known");
    }
    int idx = usedIndices.nextClearBit(0);
    usedIndices.set(idx);
    FrameworkState fw = new FrameworkState(frameworkId, sorter.role(role), nextSeq++, idx);
    frameworks.put(frameworkId, fw);
    sorter.add(fw);
    dirty.markAll();
  }

  /** Forgets a framework, everything allocated to it and its filters. Unknown ids are ignored. */
  public void removeFramework(String frameworkId) {
    FrameworkState fw = frameworks.get(frameworkId);
    if (fw == null) {
      LOG.debug("Ignoring removal of unknown framework {}", frameworkId);
      return;
    }
    for (AgentState agent : ledger.releaseAll(fw)) {
      dirty.mark(agent);
    }
    clearFilters(fw);
    sorter.remove(fw);
    frameworks.remove(frameworkId);
    usedIndices.clear(fw.index);
  }

  /** The framework (re)connected: it gets offers again, unless suppressed. */
  public void activateFramework(String frameworkId) {
    FrameworkState fw = framework(frameworkId);
    if (!fw.active) {
      fw.active = true;
      sorter.syncOfferable(fw);
      dirty.markAll();
    }
  }

  /**
   * The framework disconnected: no offers; its allocations still count. Like Mesos, this also
   * clears its filters and its suppression, so a reconnecting scheduler starts afresh (the master
   * calls {@link #suppress} again if the new subscription asks for it).
   */
  public void deactivateFramework(String frameworkId) {
    FrameworkState fw = framework(frameworkId);
    fw.active = false;
    fw.suppressed = false;
    clearFilters(fw);
    sorter.syncOfferable(fw);
  }

  /** No offers for this framework until {@link #revive}. */
  public void suppress(String frameworkId) {
    FrameworkState fw = framework(frameworkId);
    fw.suppressed = true;
    sorter.syncOfferable(fw);
  }

  /** Ends suppression and clears all the framework's filters. */
  public void revive(String frameworkId) {
    FrameworkState fw = framework(frameworkId);
    fw.suppressed = false;
    clearFilters(fw);
    sorter.syncOfferable(fw);
    dirty.markAll();
  }

  /**
   * Sets a role's weight (default 1.0), for its current and future frameworks.
   *
   * @throws IllegalArgumentException unless {@code weight} is positive and finite
   */
  public void setWeight(String role, double weight) {
    checkId(role, "role");
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("weight of role " + role + " must be > 0: " + weight);
    }
    sorter.setWeight(role, weight);
  }

  // ---- Allocations ----

  /**
   * Records resources already in use by a framework on an agent (e.g. tasks of an agent that
   * re-registered). Allocations beyond the agent's total are recorded (the tasks do run) with a
   * warning; the agent then has nothing free.
   */
  public void addAllocation(String frameworkId, String agentId, Resources resources) {
    Objects.requireNonNull(resources, "resources");
    FrameworkState fw = framework(frameworkId);
    AgentState agent = agent(agentId);
    if (resources.isEmpty()) {
      return;
    }
    ledger.grant(fw, agent, resources);
    if (agent.overcommitted()) {
      LOG.warn("{}: allocations {} exceed its total {}", agent, agent.allocatedSum, agent.total);
    }
  }

  /**
   * Gives back resources allocated to a framework on an agent: a declined or rescinded offer, the
   * unused part of an accepted offer, or the resources of finished tasks.
   *
   * <p>If {@code refuse} is positive (capped at {@link #MAX_REFUSE}), the framework is not offered
   * this agent's resources until {@code now + refuse} whenever the offer would be contained in
   * {@code resources}; an offer with more resources lifts the filter. A framework that refuses
   * several times on one agent is blocked if any of its refusals blocks.
   *
   * <p>Never throws for unknown ids: an unknown agent or framework drops the resources (and
   * installs no filter); more than is allocated is clamped to the allocation, with a warning.
   */
  public void recover(
      String frameworkId, String agentId, Resources resources, Duration refuse, Instant now) {
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(refuse, "refuse");
    Objects.requireNonNull(now, "now");
    FrameworkState fw = frameworks.get(frameworkId);
    AgentState agent = agents.get(agentId);
    if (fw == null || agent == null) {
      LOG.debug("Dropping {} recovered for {} on {}: unknown", resources, frameworkId, agentId);
      return;
    }
    Resources released = ledger.release(fw, agent, resources);
    if (!released.equals(resources)) {
      LOG.warn("{} recovered {} on {} but held only part of it; recovered {}",
          fw, resources, agent, released);
    }
    if (!released.isEmpty()) {
      dirty.mark(agent);
    }
    if (refuse.isNegative() || refuse.isZero() || resources.isEmpty()) {
      return;
    }
    Instant until = now.plus(refuse.compareTo(MAX_REFUSE) > 0 ? MAX_REFUSE : refuse);
    agent.filters.add(fw, resources, until);
    dirty.filterAdded(until);
  }

  /**
   * An incremental cycle: allocates the agents whose situation changed since the last cycle
   * (added, activated, resources recovered). It becomes a full cycle when a framework was added,
   * activated or revived, or a filter may have expired.
   *
   * @return the new allocations, already counted as allocated
   */
  public List<Allocation> allocate(Instant now) {
    Objects.requireNonNull(now, "now");
    if (dirty.all(now)) {
      return allocateAll(now);
    }
    List<AgentState> batch = dirty.drain();
    List<Allocation> out = cycle.run(batch, now);
    dirty.cycled(batch, false);
    return out;
  }

  /**
   * A full cycle over all active agents.
   *
   * @return the new allocations, already counted as allocated
   */
  public List<Allocation> allocateAll(Instant now) {
    Objects.requireNonNull(now, "now");
    List<AgentState> batch = new ArrayList<>(agentList.size());
    for (AgentState agent : agentList) {
      if (agent.active) {
        batch.add(agent);
      }
    }
    List<Allocation> out = cycle.run(batch, now);
    dirty.cycled(batch, true);
    return out;
  }

  // ---- Read-only views (for metrics, the UI and tests) ----

  /** A framework's dominant share: the largest fraction of any cluster total it holds. */
  public double dominantShare(String frameworkId) {
    return index.share(framework(frameworkId).allocated);
  }

  /** Every framework's dominant share, by framework id. */
  public Map<String, Double> dominantShares() {
    Map<String, Double> out = new TreeMap<>();
    frameworks.forEach((id, fw) -> out.put(id, index.share(fw.allocated)));
    return out;
  }

  /** Every role's weighted share (dominant share of its frameworks' sum / weight), by role. */
  public Map<String, Double> roleShares() {
    Map<String, Double> out = new TreeMap<>();
    for (RoleState role : sorter.allRoles()) {
      out.put(role.name, index.share(role.allocated) / role.weight);
    }
    return out;
  }

  /** A role's weight (1.0 unless set). */
  public double weight(String role) {
    return sorter.weight(role);
  }

  /** Everything allocated to a framework, on all agents. */
  public Resources allocated(String frameworkId) {
    Resources.Builder b = Resources.builder();
    framework(frameworkId).allocations.values().forEach(b::add);
    return b.build();
  }

  /** What is allocated to a framework, per agent id. */
  public Map<String, Resources> allocations(String frameworkId) {
    Map<String, Resources> out = new TreeMap<>();
    framework(frameworkId).allocations.forEach((agent, r) -> out.put(agent.id, r));
    return out;
  }

  /** An agent's free resources: its total minus all allocations on it. */
  public Resources free(String agentId) {
    return agent(agentId).free;
  }

  /** An agent's total resources. */
  public Resources total(String agentId) {
    return agent(agentId).total;
  }

  /** The sum of all agents' scalar totals, active or not: the denominators of the shares. */
  public Resources totals() {
    return index.totals();
  }

  /** The number of agents on which the framework holds a filter (expired ones may linger). */
  public int filteredAgents(String frameworkId) {
    return framework(frameworkId).filteredAgents;
  }

  // ---- Internals ----

  private void clearFilters(FrameworkState fw) {
    if (fw.filteredAgents == 0) {
      return;
    }
    for (AgentState agent : agentList) {
      agent.filters.remove(fw);
    }
  }

  private AgentState agent(String agentId) {
    AgentState agent = agents.get(Objects.requireNonNull(agentId, "agentId"));
    if (agent == null) {
      throw new IllegalArgumentException("unknown agent " + agentId);
    }
    return agent;
  }

  private FrameworkState framework(String frameworkId) {
    FrameworkState fw = frameworks.get(Objects.requireNonNull(frameworkId, "frameworkId"));
    if (fw == null) {
      throw new IllegalArgumentException("unknown framework " + frameworkId);
    }
    return fw;
  }

  private static void checkId(String id, String what) {
    Objects.requireNonNull(id, what);
    if (id.isBlank()) {
      throw new IllegalArgumentException(what + " is blank");
    }
  }
}
