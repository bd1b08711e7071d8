package io.corral.master.store;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * One document kept whole in one persistent ZooKeeper node, for what a leading master saves so that
 * its successor finds it (what the bytes mean is the caller's). Writes go out in the background in
 * the order they are asked for; one ZooKeeper session applies them in that order.
 */
public final class ZkDocument {
  private final CuratorFramework client;
  private final String path;

  public ZkDocument(CuratorFramework client, String path) {
    this.client = client;
    this.path = path;
  }

  /** The node's data; empty when there is no node (nothing was ever written). */
  public Optional<byte[]> read() throws IOException {
    try {
      return Optional.of(client.getData().forPath(path));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    } catch (Exception e) {
      throw new IOException("could not read " + path + " in ZooKeeper: " + e.getMessage(), e);
    }
  }

  /** Replaces the node's data (creating the node and its parents if needed); completes once ZooKeeper has it. */
  public CompletableFuture<Void> write(byte[] data) {
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
          .forPath(path, data);
    } catch (Exception e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  /** Where the document is, for messages about its data. */
  public String where() {
    return "ZooKeeper node " + path;
  }
}
