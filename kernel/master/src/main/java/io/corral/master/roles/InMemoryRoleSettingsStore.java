package io.corral.master.roles;

import java.util.concurrent.CompletableFuture;

/** Role settings kept only in memory: for a master core that was given no store. */
public final class InMemoryRoleSettingsStore implements RoleSettingsStore {
  private volatile RoleSettings saved = RoleSettings.EMPTY;

  @Override
  public RoleSettings load() {
    return saved;
  }

  @Override
  public CompletableFuture<Void> save(RoleSettings settings) {
    saved = settings;
    return CompletableFuture.completedFuture(null);
  }
}
