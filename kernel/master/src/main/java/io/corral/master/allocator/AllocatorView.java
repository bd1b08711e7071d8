package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import io.corral.common.resources.Resources;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Read-only, live queries on a {@link DrfAllocator} for metrics, the UI and tests. Like the
 * allocator, call it only from the thread that owns the allocator. Methods naming an unknown id
 * throw {@link IllegalArgumentException}. Shares are computed from the current totals.
 */
public final class AllocatorView {
  private final Registry registry;
  private final ResourceIndex index;
  private final DrfSorter sorter;
  private final Map<String, RoleState> quotaRoles;

  AllocatorView(Registry registry, ResourceIndex index, DrfSorter sorter, Map<String, RoleState> quotaRoles) {
    this.registry = registry;
    this.index = index;
    this.sorter = sorter;
    this.quotaRoles = quotaRoles;
  }

  /** A framework's dominant share: the largest fraction of any cluster total it holds (in all its roles). */
  public double dominantShare(String frameworkId) {
    java.util.Collection<FrameworkState> clients = registry.clients(frameworkId).values();
    if (clients.size() == 1) {
      return index.share(clients.iterator().next().allocated);
    }
    long[] sum = new long[0];
    for (FrameworkState fw : clients) {
      sum = index.add(sum, index.toResources(fw.allocated), 1);
    }
    return index.share(sum);
  }

  /** Every framework's dominant share, by framework id. */
  public Map<String, Double> dominantShares() {
    Map<String, Double> out = new TreeMap<>();
    for (String id : registry.frameworkIds()) {
      out.put(id, dominantShare(id));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The roles a framework is a client of, in the order added: its roles, and roles it left while its
   * tasks there still hold resources.
   */
  public java.util.List<String> roles(String frameworkId) {
    return java.util.List.copyOf(registry.clients(frameworkId).keySet());
  }

  /** Everything allocated to a framework in one role (offered or in use), on all agents; empty if none. */
  public Resources allocated(String frameworkId, String role) {
    FrameworkState fw = registry.clients(frameworkId).get(role);
    Resources.Builder b = Resources.builder();
    if (fw != null) {
      fw.allocations.values().forEach(r -> b.add(r.all()));
    }
    return b.build();
  }

  /**
   * Every role with frameworks of its own: the dominant share of its (and its sub-roles')
   * allocations divided by its weight.
   */
  public Map<String, Double> roleShares() {
    Map<String, Double> out = new TreeMap<>();
    for (RoleState role : sorter.allNodes()) {
      if (role.ownLeaf != null) {
        out.put(role.name, index.share(role.allocated) / role.weight);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * What is allocated (offered or in use) to a role and its sub-roles, scalars only; empty for a
   * role the allocator does not know.
   */
  public Resources roleAllocation(String role) {
    RoleState node = sorter.existingNode(role);
    return node == null ? Resources.EMPTY : index.toResources(node.allocated);
  }

  /** The roles the allocator knows: with frameworks (in them or below them) or a quota. */
  public java.util.Set<String> roles() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (RoleState role : sorter.allNodes()) {
      out.add(role.name);
    }
    return out;
  }

  /**
   * The roles below their guarantee, with what each lacks of it (scalars): what a preemption
   * pass would have to find for them. Roles without demand are included; see {@link #demand}.
   */
  public Map<String, Resources> lackingGuarantees() {
    Map<String, Resources> out = new TreeMap<>();
    for (RoleState role : quotaRoles.values()) {
      if (role.belowGuarantee()) {
        long[] lack = new long[role.guarantee.length];
        for (int i = 0; i < lack.length; i++) {
          lack[i] = role.lacking(i);
        }
        out.put(role.name, index.toResources(lack));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * What a role and its sub-roles hold (offered or used) beyond the role's guarantee, scalars;
   * everything they hold if it has none. What a preemption pass may take from the role without
   * breaking its guarantee.
   */
  public Resources surplus(String role) {
    RoleState node = sorter.existingNode(role);
    if (node == null) {
      return Resources.EMPTY;
    }
    long[] over = node.allocated.clone();
    if (node.guarantee != null) {
      for (int i = 0; i < Math.min(over.length, node.guarantee.length); i++) {
        over[i] = Math.max(0, over[i] - node.guarantee[i]);
      }
    }
    return index.toResources(over);
  }

  /** Whether a role (or a sub-role) has a framework that may be offered resources now. */
  public boolean demand(String role) {
    RoleState node = sorter.existingNode(role);
    return node != null && node.offerableCount > 0;
  }

  /** A role's weight (1.0 unless set). */
  public double weight(String role) {
    return sorter.weight(role);
  }

  /** Everything allocated to a framework (offered or in use), on all agents, in all its roles. */
  public Resources allocated(String frameworkId) {
    Resources.Builder b = Resources.builder();
    for (FrameworkState fw : registry.clients(frameworkId).values()) {
      fw.allocations.values().forEach(r -> b.add(r.all()));
    }
    return b.build();
  }

  /** What is allocated to a framework (in all its roles), per agent id. */
  public Map<String, Resources> allocations(String frameworkId) {
    Map<String, Resources> out = new TreeMap<>();
    for (FrameworkState fw : registry.clients(frameworkId).values()) {
      fw.allocations.forEach((agent, r) -> out.merge(agent.id, r.all(), Resources::plus));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * An agent's free unreserved resources: its unreserved total minus what is allocated of it. What
   * any role may be offered.
   */
  public Resources free(String agentId) {
    return registry.agent(agentId).free.unreserved();
  }

  /** An agent's free resources, pool by pool. */
  public PooledResources freePools(String agentId) {
    return registry.agent(agentId).free;
  }

  /** An agent's total resources, every pool summed. */
  public Resources total(String agentId) {
    return registry.agent(agentId).total.all();
  }

  /** What is allocated (offered or used) to a framework on an agent, in all its roles, pool by pool (empty: nothing). */
  public PooledResources allocation(String frameworkId, String agentId) {
    AgentState agent = registry.agent(agentId);
    PooledResources sum = PooledResources.EMPTY;
    for (FrameworkState fw : registry.clients(frameworkId).values()) {
      sum = sum.plus(fw.allocations.getOrDefault(agent, PooledResources.EMPTY));
    }
    return sum;
  }

  /** What is allocated (offered or used) to a framework in one role on an agent, pool by pool (empty: nothing). */
  public PooledResources allocation(String frameworkId, String role, String agentId) {
    FrameworkState fw = registry.clients(frameworkId).get(role);
    return fw == null ? PooledResources.EMPTY
        : fw.allocations.getOrDefault(registry.agent(agentId), PooledResources.EMPTY);
  }

  /** The sum of all agents' scalar totals, active or not: the denominators of the shares. */
  public Resources totals() {
    return index.totals();
  }

  /** The number of agents on which a framework holds filters, summed over its roles (expired ones may linger). */
  public int filteredAgents(String frameworkId) {
    int n = 0;
    for (FrameworkState fw : registry.clients(frameworkId).values()) {
      n += fw.filteredAgents;
    }
    return n;
  }

  /** The number of known agents, active or not. */
  public int agentCount() {
    return registry.agents().size();
  }

  /** The number of known frameworks, active or not. */
  public int frameworkCount() {
    return registry.frameworkIds().size();
  }
}
