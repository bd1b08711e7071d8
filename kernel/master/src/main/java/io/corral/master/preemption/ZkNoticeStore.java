package io.corral.master.preemption;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * The notices in ZooKeeper: one persistent node ({@code <zk path>/registry/preemptions}) holding them
 * whole as JSON. Writes go out in the background in the order they are asked for.
 */
public final class ZkNoticeStore implements NoticeStore {
  private final CuratorFramework client;
  private final String path;

  public ZkNoticeStore(CuratorFramework client, String registryPath) {
    this.client = client;
    this.path = registryPath + "/preemptions";
  }

  @Override
  public List<Notice> load() throws IOException {
    byte[] data;
    try {
      data = client.getData().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    } catch (Exception e) {
      throw new IOException("could not read " + path + " in ZooKeeper: " + e.getMessage(), e);
    }
    return NoticesJson.read(data, "ZooKeeper node " + path);
  }

  @Override
  public CompletableFuture<Void> save(List<Notice> notices) {
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
          .forPath(path, NoticesJson.write(notices));
    } catch (Exception e) {
      done.completeExceptionally(e);
    }
    return done;
  }
}
