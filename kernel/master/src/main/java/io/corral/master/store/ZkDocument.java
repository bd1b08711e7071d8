package io.corral.master.store;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * One document kept whole in one persistent ZooKeeper node, for what a leading master saves so that
 * its successor finds it (what the bytes mean is the caller's). Writes go out in the background, one
 * after the other in the order they are asked for ({@link ZkNodeWrites}).
 */
public final class ZkDocument {
  private final CuratorFramework client;
  private final String path;
  private final ZkNodeWrites writes;

  public ZkDocument(CuratorFramework client, String path) {
    this.client = client;
    this.path = path;
    this.writes = new ZkNodeWrites(client);
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

  /**
   * Replaces the node's data (creating the node and its parents if needed) once the writes asked for
   * before are over; completes once ZooKeeper has it.
   */
  public CompletableFuture<Void> write(byte[] data) {
    return writes.put(path, data).exceptionallyCompose(failed -> {
      Throwable cause = failed instanceof CompletionException ? failed.getCause() : failed;
      String why = cause instanceof KeeperException k ? k.code().toString() : cause.toString();
      return CompletableFuture.failedFuture(new IOException("could not write " + path + " in ZooKeeper: " + why, cause));
    });
  }

  /** Where the document is, for messages about its data. */
  public String where() {
    return "ZooKeeper node " + path;
  }
}
