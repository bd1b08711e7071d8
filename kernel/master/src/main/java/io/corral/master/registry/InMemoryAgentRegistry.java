package io.corral.master.registry;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** The registry of a master without ZooKeeper: it lives as long as the master does. */
public final class InMemoryAgentRegistry implements AgentRegistry {
  private final Map<String, AgentRecord> records = new ConcurrentHashMap<>();

  @Override
  public Map<String, AgentRecord> load() {
    return Map.copyOf(records);
  }

  @Override
  public CompletableFuture<Void> put(String agentId, AgentRecord record) {
    records.put(agentId, record);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> remove(String agentId) {
    records.remove(agentId);
    return CompletableFuture.completedFuture(null);
  }
}
