package io.corral.master.registry;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The small piece of master state that must survive a failover: which agents were admitted,
 * which are unreachable, which are gone. Everything else is rebuilt from agents and frameworks.
 * Writes complete asynchronously; callers act on the outcome only once it is durable.
 */
public interface AgentRegistry extends AutoCloseable {

  /** Every agent the registry knows, read when a master is elected. */
  Map<String, AgentRecord> load() throws Exception;

  /** Records the agent's state; completes once durable. */
  CompletableFuture<Void> put(String agentId, AgentRecord record);

  /** Forgets an agent entirely (gone agents past their retention). */
  CompletableFuture<Void> remove(String agentId);

  @Override
  default void close() {}
}
