package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The known agents and frameworks by id. Hands out frameworks' registration order and their small
 * reusable {@link FrameworkState#index}; keeps agents in a list with O(1) removal for cycles.
 */
final class Registry {
  private final Map<String, AgentState> agents = new HashMap<>();
  private final List<AgentState> agentList = new ArrayList<>();
  private final Map<String, FrameworkState> frameworks = new HashMap<>();
  private final BitSet usedIndices = new BitSet();
  private long nextSeq;

  /** All agents, in no particular order. Do not modify. */
  List<AgentState> agents() {
    return Collections.unmodifiableList(agentList);
  }

  Collection<FrameworkState> frameworks() {
    return Collections.unmodifiableCollection(frameworks.values());
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

  /** @throws IllegalArgumentException if the id is taken */
  FrameworkState addFramework(String id, RoleState role) {
    if (frameworks.containsKey(id)) {
      throw new IllegalArgumentException("framework " + id + " is already known");
    }
    int index = usedIndices.nextClearBit(0);
    usedIndices.set(index);
    FrameworkState fw = new FrameworkState(id, role, nextSeq++, index);
    frameworks.put(id, fw);
    return fw;
  }

  /** @return the removed framework (its index is free again), or null if unknown */
  FrameworkState removeFramework(String id) {
    FrameworkState fw = frameworks.remove(id);
    if (fw != null) {
      usedIndices.clear(fw.index);
    }
    return fw;
  }

  AgentState findAgent(String id) {
    return agents.get(id);
  }

  FrameworkState findFramework(String id) {
    return frameworks.get(id);
  }

  /** @throws IllegalArgumentException if unknown */
  AgentState agent(String id) {
    AgentState agent = agents.get(Objects.requireNonNull(id, "agentId"));
    if (agent == null) {
      throw new IllegalArgumentException("unknown agent " + id);
    }
    return agent;
  }

  /** @throws IllegalArgumentException if unknown */
  FrameworkState framework(String id) {
    FrameworkState fw = frameworks.get(Objects.requireNonNull(id, "frameworkId"));
    if (fw == null) {
      throw new IllegalArgumentException("unknown framework " + id);
    }
    return fw;
  }
}
