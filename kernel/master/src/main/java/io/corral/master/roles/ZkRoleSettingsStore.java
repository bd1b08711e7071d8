package io.corral.master.roles;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * The role settings in ZooKeeper: one persistent node ({@code <zk path>/registry/roles}) holding
 * them whole as JSON (a few KiB for hundreds of roles). Writes go out in the background in the
 * order they are asked for; one ZooKeeper session applies them in that order.
 */
public final class ZkRoleSettingsStore implements RoleSettingsStore {
  private final CuratorFramework client;
  private final String path;

  public ZkRoleSettingsStore(CuratorFramework client, String registryPath) {
    this.client = client;
    this.path = registryPath + "/roles";
  }

  @Override
  public RoleSettings load() throws IOException {
    byte[] data;
    try {
      data = client.getData().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return RoleSettings.EMPTY;
    } catch (Exception e) {
      throw new IOException("could not read " + path + " in ZooKeeper: " + e.getMessage(), e);
    }
    return RoleSettingsJson.read(data, "ZooKeeper node " + path);
  }

  @Override
  public CompletableFuture<Void> save(RoleSettings settings) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      client.create().orSetData().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
          .inBackground((c, event) -> {
            if (event.getResultCode() == 0) {
              done.complete(null);
            } else {
              done.completeExceptionally(new IOException("could not write " + path + " in ZooKeeper: "
                  + KeeperException.Code.get(event.getResultCode())));
            }
          })
          .forPath(path, RoleSettingsJson.write(settings));
    } catch (Exception e) {
      done.completeExceptionally(e);
    }
    return done;
  }
}
