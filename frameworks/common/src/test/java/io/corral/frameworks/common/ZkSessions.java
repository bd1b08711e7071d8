package io.corral.frameworks.common;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Ends a client's ZooKeeper session on the server, as an expiry does: a second connection joins the
 * session and closes it, so the server deletes its ephemeral nodes at once and the client hears
 * that its session expired when it next talks to the server.
 */
public final class ZkSessions {
  private ZkSessions() {}

  public static void expire(CuratorFramework client, String connectString) throws Exception {
    ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper twin = new ZooKeeper(connectString, 10_000, e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    }, zk.getSessionId(), zk.getSessionPasswd());
    try {
      if (!connected.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("could not join the session to end it");
      }
    } finally {
      twin.close();
    }
  }
}
