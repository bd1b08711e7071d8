package io.corral.master.roles;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * Where the leading master keeps the {@link RoleSettings}, so that its successor enforces the same
 * quotas and weights: ZooKeeper with {@code --zk}, else a file in the master's work dir.
 */
public interface RoleSettingsStore {
  /** The settings last saved; {@link RoleSettings#EMPTY} if none ever were. */
  RoleSettings load() throws IOException;

  /**
   * Saves the settings whole. Saves complete in the order they were asked for, so the last
   * one asked for is what stays.
   */
  CompletableFuture<Void> save(RoleSettings settings);
}
