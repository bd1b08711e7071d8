package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import io.corral.common.resources.Resources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The weighted DRF allocator (Mesos {@code HierarchicalDRF}, quotas, reservations, frameworks of
 * several roles): it decides which framework is offered each agent's free resources, for which role.
 *
 * <p><b>Roles of a framework.</b> A framework is a client of each of its roles (Mesos' MULTI_ROLE):
 * each (framework, role) is sorted, offered, filtered, suppressed and charged on its own, so
 * everything below about "a framework" holds for each of its roles. An allocation names the role it
 * is for. Calls without a role (a framework of one role) mean the framework's first role.
 *
 * <p><b>Threading.</b> Not thread-safe and lock-free by design: the master's event-loop thread
 * owns the instance and makes every call. Time is passed in ({@code Instant now}) and randomness
 * comes from the injected generator, so a run is deterministic.
 *
 * <p><b>Bookkeeping.</b> Resources allocated to a framework on an agent are those offered to it
 * plus those its tasks use. What {@link #allocate} returns is counted as allocated; the master
 * gives back what is not used with {@link #recover}. Free on an agent is its total minus all
 * allocations on it; it goes whole to one framework at a time, so nothing is offered twice.
 *
 * <p><b>Order.</b> Agents are shuffled each cycle. Roles form a tree ({@code eng/etl} under {@code
 * eng}); a role's allocation counts towards its ancestors. For each agent, at every level of the
 * tree, sibling roles go by ascending weighted dominant share (ties by role name), and frameworks
 * inside a role by ascending dominant share (ties by registration order); the first active,
 * unsuppressed, unfiltered framework gets the agent's free resources if they meet the {@link
 * MinAllocatable minimum}. Shares count scalar resources only, against the totals of all agents
 * (active or not).
 *
 * <p><b>Reservations.</b> An agent's resources are in pools ({@link PooledResources}): unreserved,
 * and reserved per role. What is reserved to a role is offered only to frameworks of that role or of
 * a sub-role, first in each cycle, to the first of them in DRF order that no filter blocks; they
 * count towards the role's share once allocated, and towards its guarantee and limit whether
 * allocated or not (Mesos' quota consumption). Everything else below is about the unreserved pool.
 *
 * <p><b>Quotas.</b> A role may have a guarantee and a limit ({@link #setQuota}). Then roles below
 * their guarantee are served first, the headroom their guarantees still need is held back from
 * the others, and no role is offered past its limit; offers may then be slices of an agent's free
 * resources (see {@link QuotaCycle}).
 *
 * <p><b>Errors.</b> A call naming an unknown agent or framework, a duplicate id, or an invalid
 * argument throws {@link IllegalArgumentException} (or {@link NullPointerException}) before
 * changing anything. The exceptions are calls that race with removals on the master: {@code
 * removeAgent} and {@code removeFramework} of an unknown id do nothing; {@link #recover} for an
 * unknown agent or framework drops the resources (removal already freed them), and recovering
 * more than is allocated returns only what is allocated and logs a warning.
 */
public final class DrfAllocator {
  /** Refusals last at most this long (like Mesos' cap on {@code refuse_seconds}). */
  public static final Duration MAX_REFUSE = Duration.ofDays(365);

  private static final Logger LOG = LoggerFactory.getLogger(DrfAllocator.class);

  private final Registry registry = new Registry();
  private final ResourceIndex index = new ResourceIndex();
  private final DrfSorter sorter = new DrfSorter(index);
  private final Ledger ledger = new Ledger(sorter);
  /** The role nodes with a guarantee or a limit. */
  private final java.util.Map<String, RoleState> quotaRoles = new java.util.HashMap<>();
  private final DirtyAgents dirty = new DirtyAgents();
  private final AllocationCycle cycle;
  private final AllocatorView view = new AllocatorView(registry, index, sorter, quotaRoles);

  /** An allocator with the default minimum ({@link MinAllocatable#DEFAULT}). */
  public DrfAllocator(RandomGenerator random) {
    this(random, MinAllocatable.DEFAULT);
  }

  /**
   * @param random shuffles the agents of each cycle
   * @param minimum the smallest free amounts worth offering
   */
  public DrfAllocator(RandomGenerator random, MinAllocatable minimum) {
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(minimum, "minimum");
    this.cycle = new AllocationCycle(sorter, index, ledger, minimum, random, quotaRoles.values());
  }

  /** Live read-only queries (shares, allocations, free resources, totals). */
  public AllocatorView view() {
    return view;
  }

  // ---- Agents ----

  /** Adds an active agent with nothing reserved and nothing allocated. */
  public void addAgent(String agentId, Resources total) {
    addAgent(agentId, PooledResources.of(total));
  }

  /** Adds an active agent with nothing allocated (see {@link #addAllocation} for its tasks). */
  public void addAgent(String agentId, PooledResources total) {
    checkId(agentId, "agentId");
    Objects.requireNonNull(total, "total");
    AgentState agent = registry.addAgent(agentId, total);
    ledger.addAgent(agent);
    index.changeTotal(total.all(), 1);
    dirty.mark(agent);
  }

  /** Forgets an agent, its allocations and its filters. Unknown ids are ignored. */
  public void removeAgent(String agentId) {
    AgentState agent = registry.removeAgent(agentId);
    if (agent == null) {
      LOG.debug("Ignoring removal of unknown agent {}", agentId);
      return;
    }
    ledger.releaseAgent(agent);
    agent.filters.clear();
    index.changeTotal(agent.total.all(), -1);
    dirty.forget(agent);
  }

  /** Changes an agent's total to {@code total}, unreserved. */
  public void updateAgentTotal(String agentId, Resources total) {
    updateAgentTotal(agentId, PooledResources.of(total));
  }

  /**
   * Changes an agent's total (e.g. its resources were reconfigured, or reserved differently). If
   * allocations no longer fit, nothing is taken back: the agent has nothing free in that pool until
   * enough is recovered.
   */
  public void updateAgentTotal(String agentId, PooledResources total) {
    Objects.requireNonNull(total, "total");
    AgentState agent = registry.agent(agentId);
    index.changeTotal(agent.total.all(), -1);
    index.changeTotal(total.all(), 1);
    ledger.changeTotal(agent, total);
    if (agent.overcommitted()) {
      LOG.warn("{}: allocations {} exceed the new total {}", agent, agent.allocatedSum, total);
    }
    dirty.mark(agent);
  }

  /** Offers the agent's resources again (it reconnected, or draining ended). */
  public void activateAgent(String agentId) {
    AgentState agent = registry.agent(agentId);
    if (!agent.active) {
      agent.active = true;
      dirty.mark(agent);
    }
  }

  /** Stops offering the agent's resources; what is allocated on it still counts. */
  public void deactivateAgent(String agentId) {
    registry.agent(agentId).active = false;
  }

  // ---- Frameworks and roles ----

  /** Adds an active framework in {@code role} ({@code "*"} is the default role). */
  public void addFramework(String frameworkId, String role) {
    addFramework(frameworkId, List.of(role));
  }

  /**
   * Adds an active framework in each of {@code roles} (Mesos' MULTI_ROLE): a client of each role, with
   * its own offers, filters, suppression and allocations.
   *
   * @throws IllegalArgumentException if the id is taken, or {@code roles} is empty or names a role twice
   */
  public void addFramework(String frameworkId, Collection<String> roles) {
    checkId(frameworkId, "frameworkId");
    checkRoles(roles);
    registry.addFramework(frameworkId);
    for (String role : roles) {
      sorter.add(registry.addClient(frameworkId, sorter.role(role)));
    }
    dirty.markAll();
  }

  /**
   * Changes a framework's roles (Mesos' UPDATE_FRAMEWORK, or a re-subscription with other roles). It
   * becomes a client of each new role (active as the framework is, not suppressed). A role it leaves
   * gets no more offers and loses its filters; what the framework holds in it (its running tasks, and
   * offers the master has not taken back yet) still counts towards that role until recovered, then the
   * role's client is dropped. Rejoining such a role takes its allocations back into the new client.
   *
   * @throws IllegalArgumentException if the framework is unknown, or {@code roles} is empty or names a role twice
   */
  public void updateRoles(String frameworkId, Collection<String> roles) {
    checkRoles(roles);
    Map<String, FrameworkState> clients = registry.clients(frameworkId);
    boolean active = clients.values().stream().anyMatch(c -> c.active);
    for (FrameworkState fw : List.copyOf(clients.values())) {
      if (!roles.contains(fw.role.name) && !fw.retired) {
        fw.retired = true;
        fw.suppressed = false;
        clearFilters(fw);
        sorter.syncOfferable(fw);
        dropIfDone(fw);
      }
    }
    for (String role : roles) {
      FrameworkState fw = clients.get(role);
      if (fw == null) {
        fw = registry.addClient(frameworkId, sorter.role(role));
        fw.active = active;
        sorter.add(fw);
      } else if (fw.retired) {
        fw.retired = false;
        fw.active = active;
        sorter.syncOfferable(fw);
      }
    }
    dirty.markAll();
  }

  /** Forgets a framework, everything allocated to it and its filters. Unknown ids are ignored. */
  public void removeFramework(String frameworkId) {
    Map<String, FrameworkState> clients = registry.findClients(frameworkId);
    if (clients == null) {
      LOG.debug("Ignoring removal of unknown framework {}", frameworkId);
      return;
    }
    for (FrameworkState fw : List.copyOf(clients.values())) {
      for (AgentState agent : ledger.releaseAll(fw)) {
        dirty.mark(agent);
      }
      drop(fw);
    }
    registry.removeFramework(frameworkId);
  }

  /** The framework (re)connected: it gets offers again in each of its roles, unless suppressed there. */
  public void activateFramework(String frameworkId) {
    boolean changed = false;
    for (FrameworkState fw : registry.clients(frameworkId).values()) {
      if (!fw.active) {
        fw.active = true;
        sorter.syncOfferable(fw);
        changed = true;
      }
    }
    if (changed) {
      dirty.markAll();
    }
  }

  /**
   * The framework disconnected: no offers; its allocations still count. Like Mesos, this also
   * clears its filters and its suppression, so a reconnecting scheduler starts afresh (the master
   * calls {@link #suppress} again if the new subscription asks for it).
   */
  public void deactivateFramework(String frameworkId) {
    for (FrameworkState fw : registry.clients(frameworkId).values()) {
      fw.active = false;
      fw.suppressed = false;
      clearFilters(fw);
      sorter.syncOfferable(fw);
    }
  }

  /** No offers for this framework, in any of its roles, until {@link #revive}. */
  public void suppress(String frameworkId) {
    suppress(frameworkId, List.of());
  }

  /**
   * No offers for this framework in {@code roles} (empty: all its roles) until they are revived. Roles
   * the framework is not in are ignored (the master checks them).
   */
  public void suppress(String frameworkId, Collection<String> roles) {
    for (FrameworkState fw : named(frameworkId, roles)) {
      fw.suppressed = true;
      sorter.syncOfferable(fw);
    }
  }

  /** Ends suppression and clears the filters of the framework in all its roles. */
  public void revive(String frameworkId) {
    revive(frameworkId, List.of());
  }

  /** Ends suppression and clears the filters of the framework in {@code roles} (empty: all its roles). */
  public void revive(String frameworkId, Collection<String> roles) {
    for (FrameworkState fw : named(frameworkId, roles)) {
      fw.suppressed = false;
      clearFilters(fw);
      sorter.syncOfferable(fw);
    }
    dirty.markAll();
  }

  /** The framework's clients in {@code roles} it is still in (all of them for an empty list). */
  private List<FrameworkState> named(String frameworkId, Collection<String> roles) {
    List<FrameworkState> out = new ArrayList<>();
    for (FrameworkState fw : registry.clients(frameworkId).values()) {
      if (!fw.retired && (roles.isEmpty() || roles.contains(fw.role.name))) {
        out.add(fw);
      }
    }
    return out;
  }

  /** Drops a retired client once it holds nothing. */
  private void dropIfDone(FrameworkState fw) {
    if (fw.retired && fw.allocations.isEmpty()) {
      drop(fw);
    }
  }

  /** Forgets a client that holds nothing. */
  private void drop(FrameworkState fw) {
    clearFilters(fw);
    sorter.remove(fw);
    registry.removeClient(fw);
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
    dirty.markAll();
  }

  /**
   * Sets a role's quota: scalar {@code guarantee} (what it is offered first whenever it has
   * demand; empty for none) and scalar {@code limit} (what it never holds more of, offered or
   * used; a resource it does not name is not limited; empty for no limit). Both empty removes the
   * quota. The caller validates (guarantee within limit, within the cluster).
   *
   * @throws IllegalArgumentException if either names a non-scalar resource
   */
  public void setQuota(String role, Resources guarantee, Resources limit) {
    checkId(role, "role");
    Objects.requireNonNull(guarantee, "guarantee");
    Objects.requireNonNull(limit, "limit");
    if (!guarantee.rangeResources().isEmpty() || !limit.rangeResources().isEmpty()) {
      throw new IllegalArgumentException("quotas are on scalar resources only");
    }
    if (guarantee.isEmpty() && limit.isEmpty()) {
      RoleState node = quotaRoles.remove(role);
      if (node != null) {
        node.guarantee = null;
        node.limit = null;
        sorter.prune(node);
      }
    } else {
      RoleState node = sorter.node(role);
      long[] g = index.vector(guarantee);
      long[] l = index.vector(limit);
      java.util.Arrays.fill(l, -1L);
      for (var e : limit.scalarMillis().entrySet()) {
        l[index.indexOf(e.getKey())] = e.getValue();
      }
      node.guarantee = guarantee.isEmpty() ? null : g;
      node.limit = limit.isEmpty() ? null : l;
      quotaRoles.put(role, node);
    }
    dirty.markAll();
  }

  // ---- Allocations ----

  /**
   * Records resources already in use by a framework on an agent (e.g. tasks of an agent that
   * re-registered). Allocations beyond the agent's total are recorded (the tasks do run) with a
   * warning; the agent then has nothing free.
   */
  public void addAllocation(String frameworkId, String agentId, Resources resources) {
    addAllocation(frameworkId, agentId, PooledResources.of(resources));
  }

  /** As {@link #addAllocation(String, String, Resources)}, pool by pool, in the framework's (first) role. */
  public void addAllocation(String frameworkId, String agentId, PooledResources resources) {
    addAllocation(frameworkId, registry.primary(frameworkId).role.name, agentId, resources);
  }

  /**
   * As {@link #addAllocation(String, String, Resources)}, pool by pool, charged to {@code role}. A
   * role the framework is not in (tasks launched in a role it has left since) counts them there all
   * the same, without offers, until they are recovered.
   */
  public void addAllocation(String frameworkId, String role, String agentId, PooledResources resources) {
    Objects.requireNonNull(resources, "resources");
    checkId(role, "role");
    Map<String, FrameworkState> clients = registry.clients(frameworkId);
    AgentState agent = registry.agent(agentId);
    FrameworkState fw = clients.get(role);
    if (resources.isEmpty()) {
      return;
    }
    if (fw == null) {
      fw = registry.addClient(frameworkId, sorter.role(role));
      fw.retired = true;
      fw.active = clients.values().stream().anyMatch(c -> c.active);
      sorter.add(fw);
    }
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
   * this agent's resources until {@code now + refuse} (exclusive) whenever the offer would be
   * contained in {@code resources}; an offer with more resources is not blocked. A framework that
   * refused several times on one agent is blocked if any of its refusals blocks. Zero or negative
   * {@code refuse} installs no filter (the master maps protocol defaults before calling).
   *
   * <p>Never throws for unknown ids: an unknown agent or framework drops the resources (and
   * installs no filter); more than is allocated is clamped to the allocation, with a warning.
   */
  public void recover(
      String frameworkId, String agentId, Resources resources, Duration refuse, Instant now) {
    recover(frameworkId, agentId, PooledResources.of(resources), refuse, now);
  }

  /**
   * As {@link #recover(String, String, Resources, Duration, Instant)}, pool by pool: a refusal blocks
   * offers of no more than was refused in each pool.
   */
  public void recover(
      String frameworkId, String agentId, PooledResources resources, Duration refuse, Instant now) {
    Map<String, FrameworkState> clients = registry.findClients(frameworkId);
    String role = clients == null || clients.isEmpty() ? "*" : registry.primary(frameworkId).role.name;
    recover(frameworkId, role, agentId, resources, refuse, now);
  }

  /**
   * As {@link #recover(String, String, PooledResources, Duration, Instant)}, for what the framework
   * holds in {@code role}: the refusal filters offers for that role only. A role the framework left
   * is dropped once it holds nothing.
   */
  public void recover(String frameworkId, String role, String agentId, PooledResources resources, Duration refuse,
      Instant now) {
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(refuse, "refuse");
    Objects.requireNonNull(now, "now");
    FrameworkState fw = registry.findClient(frameworkId, role);
    AgentState agent = registry.findAgent(agentId);
    if (fw == null || agent == null) {
      LOG.debug("Dropping {} recovered for {} on {}: unknown", resources, frameworkId, agentId);
      return;
    }
    PooledResources released = ledger.release(fw, agent, resources);
    if (!released.equals(resources)) {
      LOG.warn("{} recovered {} on {} but held only {} of it", fw, resources, agent, released);
    }
    if (!released.isEmpty()) {
      dirty.mark(agent);
    }
    if (fw.retired) {
      dropIfDone(fw);
      return;
    }
    if (refuse.isNegative() || refuse.isZero() || resources.isEmpty()) {
      return;
    }
    Instant until = now.plus(refuse.compareTo(MAX_REFUSE) > 0 ? MAX_REFUSE : refuse);
    agent.filters.add(fw, resources, until);
    dirty.filterAdded(until);
  }

  /**
   * An incremental cycle over the agents whose situation changed since the last cycle (added,
   * activated, total changed, resources recovered). It is a full cycle ({@link #allocateAll})
   * when a framework was added, activated or revived, or a filter may have expired.
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
    List<AgentState> batch = new ArrayList<>(registry.agents().size());
    for (AgentState agent : registry.agents()) {
      if (agent.active) {
        batch.add(agent);
      }
    }
    List<Allocation> out = cycle.run(batch, now);
    dirty.cycled(batch, true);
    return out;
  }

  private void clearFilters(FrameworkState fw) {
    if (fw.filteredAgents > 0) {
      for (AgentState agent : registry.agents()) {
        agent.filters.remove(fw);
      }
    }
  }

  private static void checkRoles(Collection<String> roles) {
    Objects.requireNonNull(roles, "roles");
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("a framework needs at least one role");
    }
    if (new java.util.HashSet<>(roles).size() != roles.size()) {
      throw new IllegalArgumentException("roles named twice: " + roles);
    }
    roles.forEach(r -> checkId(r, "role"));
  }

  private static void checkId(String id, String what) {
    Objects.requireNonNull(id, what);
    if (id.isBlank()) {
      throw new IllegalArgumentException(what + " is blank");
    }
  }
}
