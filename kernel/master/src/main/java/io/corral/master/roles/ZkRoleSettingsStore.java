package io.corral.master.roles;

import io.corral.master.store.ZkDocument;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;

/**
 * The role settings in ZooKeeper: one persistent node ({@code <zk path>/registry/roles}) holding
 * them whole as JSON (a few KiB for hundreds of roles). Writes go out in the background in the
 * order they are asked for; one ZooKeeper session applies them in that order.
 */
public final class ZkRoleSettingsStore implements RoleSettingsStore {
  private final ZkDocument node;

  public ZkRoleSettingsStore(CuratorFramework client, String registryPath) {
    this.node = new ZkDocument(client, registryPath + "/roles");
  }

  @Override
  public RoleSettings load() throws IOException {
    Optional<byte[]> data = node.read();
    return data.isEmpty() ? RoleSettings.EMPTY : RoleSettingsJson.read(data.get(), node.where());
  }

  @Override
  public CompletableFuture<Void> save(RoleSettings settings) {
    return node.write(RoleSettingsJson.write(settings));
  }
}
