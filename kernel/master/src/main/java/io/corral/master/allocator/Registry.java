package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The known agents by id, and the known frameworks by id with their clients ({@link FrameworkState},
 * one per role, in the order the roles were added). Hands out clients' registration order and their
 * small reusable {@link FrameworkState#index}; keeps agents in a list with O(1) removal for cycles.
 */
final class Registry {
  private final Map<String, AgentState> agents = new HashMap<>();
  private final List<AgentState> agentList = new ArrayList<>();
  private final Map<String, Map<String, FrameworkState>> frameworks = new HashMap<>();
  private int clientCount;
  private final BitSet usedIndices = new BitSet();
  private long nextSeq;

  /** All agents, in no particular order. Do not modify. */
  List<AgentState> agents() {
    return Collections.unmodifiableList(agentList);
  }

  /** Every client of every framework. */
  List<FrameworkState> clients() {
    List<FrameworkState> out = new ArrayList<>(clientCount);
    frameworks.values().forEach(m -> out.addAll(m.values()));
    return out;
  }

  /** The ids of the known frameworks. */
  Collection<String> frameworkIds() {
    return Collections.unmodifiableCollection(frameworks.keySet());
  }

  /** @throws IllegalArgumentException if the id is taken */
  AgentState addAgent(String id, PooledResources total) {
    if (agents.containsKey(id)) {
      throw new IllegalArgumentException("agent " + id + " is already known");
    }
    AgentState agent = new AgentState(id, total);
    agent.position = agentList.size();
    agentList.add(agent);
    agents.put(id, agent);
    return agent;
  }

  /** @return the removed agent, or null if unknown */
  AgentState removeAgent(String id) {
    AgentState agent = agents.remove(id);
    if (agent != null) {
      AgentState last = agentList.remove(agentList.size() - 1);
      if (last != agent) {
        last.position = agent.position;
        agentList.set(agent.position, last);
      }
    }
    return agent;
  }

  /** Registers a framework without clients yet. @throws IllegalArgumentException if the id is taken */
  void addFramework(String id) {
    if (frameworks.containsKey(id)) {
      throw new IllegalArgumentException("framework " + id + " is already known");
    }
    frameworks.put(id, new LinkedHashMap<>());
  }

  /** A new client of a known framework in {@code role} (its leaf); the framework has none there yet. */
  FrameworkState addClient(String frameworkId, RoleState role) {
    int index = usedIndices.nextClearBit(0);
    usedIndices.set(index);
    FrameworkState fw = new FrameworkState(frameworkId, role, nextSeq++, index);
    frameworks.get(frameworkId).put(role.name, fw);
    clientCount++;
    return fw;
  }

  /** Forgets one client (its index is free again). */
  void removeClient(FrameworkState fw) {
    Map<String, FrameworkState> mine = frameworks.get(fw.id);
    if (mine != null && mine.remove(fw.role.name, fw)) {
      usedIndices.clear(fw.index);
      clientCount--;
    }
  }

  /** Forgets a framework whose clients were removed. */
  void removeFramework(String id) {
    frameworks.remove(id);
  }

  /** The framework's clients by role, in the order added, or null if the framework is unknown. */
  Map<String, FrameworkState> findClients(String frameworkId) {
    return frameworks.get(frameworkId);
  }

  /** The framework's client in {@code role}, or null. */
  FrameworkState findClient(String frameworkId, String role) {
    Map<String, FrameworkState> mine = frameworks.get(frameworkId);
    return mine == null ? null : mine.get(role);
  }

  /** @throws IllegalArgumentException if the framework is unknown */
  Map<String, FrameworkState> clients(String frameworkId) {
    Map<String, FrameworkState> mine = frameworks.get(Objects.requireNonNull(frameworkId, "frameworkId"));
    if (mine == null) {
      throw new IllegalArgumentException("unknown framework " + frameworkId);
    }
    return mine;
  }

  /**
   * The client a single-role call means: the framework's first role it is still in (for a framework
   * of one role, that role), or its first client if it left them all.
   *
   * @throws IllegalArgumentException if the framework is unknown or has no client
   */
  FrameworkState primary(String frameworkId) {
    FrameworkState first = null;
    for (FrameworkState fw : clients(frameworkId).values()) {
      if (!fw.retired) {
        return fw;
      }
      first = first == null ? fw : first;
    }
    if (first == null) {
      throw new IllegalArgumentException("framework " + frameworkId + " is in no role");
    }
    return first;
  }

  AgentState findAgent(String id) {
    return agents.get(id);
  }

  /** @throws IllegalArgumentException if unknown */
  AgentState agent(String id) {
    AgentState agent = agents.get(Objects.requireNonNull(id, "agentId"));
    if (agent == null) {
      throw new IllegalArgumentException("unknown agent " + id);
    }
    return agent;
  }
}
