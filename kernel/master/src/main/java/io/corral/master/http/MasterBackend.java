package io.corral.master.http;

import io.corral.master.core.MasterView;
import io.corral.master.core.OperatorResult;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** What the HTTP API needs of the master it serves. */
public interface MasterBackend {
  /** Whether this master serves as the leader (the API itself) right now: it leads and holds its lease. */
  boolean leading();

  /** STANDBY, RECOVERING, ACTIVE, SUSPENDED or EXITING. */
  String phase();

  /** The leader's HTTP URL, for a standby to send clients on; empty if unknown. */
  Optional<String> leaderHttpUrl();

  /** Runs a read on the master's loop. */
  <T> CompletableFuture<T> query(Function<MasterView, T> reader);

  CompletableFuture<OperatorResult> teardownFramework(String frameworkId);

  CompletableFuture<OperatorResult> drainAgent(String agentId, Duration grace);

  CompletableFuture<OperatorResult> undrainAgent(String agentId);

  CompletableFuture<OperatorResult> reserve(String agentId, io.corral.common.resources.PooledResources wanted);

  CompletableFuture<OperatorResult> unreserve(String agentId, io.corral.common.resources.PooledResources wanted);

  CompletableFuture<OperatorResult> killTask(String frameworkId, String taskId);

  CompletableFuture<OperatorResult> setQuota(String role, io.corral.master.roles.Quota quota, boolean force);

  CompletableFuture<OperatorResult> removeQuota(String role);

  CompletableFuture<OperatorResult> setWeights(java.util.Map<String, Double> weights);
}
