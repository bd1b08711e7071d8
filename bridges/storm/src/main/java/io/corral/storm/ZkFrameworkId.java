package io.corral.storm;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;

/**
 * The Nimbus's Corral framework id, kept in Storm's ZooKeeper (under {@code storm.zookeeper.root},
 * at {@value #NODE}), so that a restarted Nimbus, on this host or another, subscribes as the same
 * framework and takes its Supervisors back instead of launching a second set (Storm-on-Mesos's
 * "supervisor explosion"). Corral's own ZooKeeper client, not Storm's.
 */
final class ZkFrameworkId implements AutoCloseable {
  static final String NODE = "/corral/framework-id";

  private final CuratorFramework zk;
  private final String path;

  ZkFrameworkId(String connectString, String stormRoot) throws InterruptedException {
    this.path = (stormRoot.equals("/") ? "" : stormRoot) + NODE;
    this.zk = CuratorFrameworkFactory.builder().connectString(connectString)
        .retryPolicy(new ExponentialBackoffRetry(200, 10)).sessionTimeoutMs(20_000).connectionTimeoutMs(15_000)
        .build();
    zk.start();
    if (!zk.blockUntilConnected(60, TimeUnit.SECONDS)) {
      zk.close();
      throw new IllegalStateException("could not reach ZooKeeper at " + connectString + " within 60 s");
    }
  }

  String path() {
    return path;
  }

  Optional<String> load() throws Exception {
    try {
      String id = new String(zk.getData().forPath(path), StandardCharsets.UTF_8).strip();
      return id.isEmpty() ? Optional.empty() : Optional.of(id);
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }

  void save(String id) throws Exception {
    byte[] data = id.getBytes(StandardCharsets.UTF_8);
    try {
      zk.setData().forPath(path, data);
    } catch (KeeperException.NoNodeException e) {
      zk.create().creatingParentsIfNeeded().forPath(path, data);
    }
  }

  void clear() throws Exception {
    try {
      zk.delete().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    zk.close();
  }
}
