package io.corral.master.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Writes and deletes of persistent ZooKeeper nodes in the background, those of one node one after
 * the other in the order they are asked for. Two in flight on one node could land out of order: a
 * write to a node that is not there yet is a create that may fail and become a set, or wait for its
 * parents to be created, while a later one goes through. Nodes do not wait for each other.
 */
public final class ZkNodeWrites {
  private final CuratorFramework client;
  /** Per node, the last operation asked for while it is not over. */
  private final ConcurrentMap<String, CompletableFuture<Void>> last = new ConcurrentHashMap<>();

  public ZkNodeWrites(CuratorFramework client) {
    this.client = client;
  }

  /**
   * Sets the node's data (creating it and its parents if needed) once the operations on it asked for
   * before are over; completes once ZooKeeper has it, or fails with the {@link KeeperException}.
   */
  public CompletableFuture<Void> put(String path, byte[] data) {
    return inOrder(path, false, callback -> client.create().orSetData().creatingParentsIfNeeded()
        .withMode(CreateMode.PERSISTENT).inBackground(callback).forPath(path, data));
  }

  /** Deletes the node (nothing when it is not there), in order as {@link #put}. */
  public CompletableFuture<Void> delete(String path) {
    return inOrder(path, true, callback -> client.delete().quietly().inBackground(callback).forPath(path));
  }

  /** Sends one background operation, answered through the callback it is given. */
  private interface Send {
    void to(BackgroundCallback callback) throws Exception;
  }

  private CompletableFuture<Void> inOrder(String path, boolean absentIsDone, Send send) {
    CompletableFuture<Void> done = last.compute(path, (p, before) -> before == null
        ? send(path, absentIsDone, send)
        : before.exceptionally(failed -> null).thenCompose(v -> send(path, absentIsDone, send)));
    done.whenComplete((v, e) -> last.remove(path, done));
    return done;
  }

  private static CompletableFuture<Void> send(String path, boolean absentIsDone, Send send) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      send.to((c, event) -> {
        int rc = event.getResultCode();
        if (rc == KeeperException.Code.OK.intValue() || absentIsDone && rc == KeeperException.Code.NONODE.intValue()) {
          done.complete(null);
        } else {
          done.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
        }
      });
    } catch (Exception e) {
      done.completeExceptionally(e);
    }
    return done;
  }
}
