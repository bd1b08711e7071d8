package io.corral.common.detect;

import io.corral.common.net.HostPort;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks the leader up in ZooKeeper: the masters' leader latch is a set of ephemeral
 * sequential nodes, and the leader is the one with the lowest sequence number (Curator
 * {@code LeaderLatch} semantics). Its data is the leader's "host:port".
 */
final class ZooKeeperMasterDetector implements MasterDetector {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperMasterDetector.class);

  private final ZkUrl url;
  private final CuratorFramework client;
  private final java.util.List<java.util.function.Consumer<HostPort>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private org.apache.curator.framework.recipes.cache.CuratorCache cache;
  private volatile HostPort lastLeader;

  ZooKeeperMasterDetector(ZkUrl url) {
    this.url = url;
    this.client =
        CuratorFrameworkFactory.builder()
            .connectString(url.connectString())
            .sessionTimeoutMs(10_000)
            .connectionTimeoutMs(5_000)
            .retryPolicy(new ExponentialBackoffRetry(200, 10, 5_000))
            .build();
    client.start();
  }

  /**
   * Waits at most {@code timeout} in all: for the connection to ZooKeeper (a lookup while it is
   * down would block for as long as Curator's retries last), then for a leader. The timeout's
   * message says which of the two was missing, after how long, and what to check.
   */
  @Override
  public HostPort detect(Duration timeout) throws TimeoutException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (!client.getZookeeperClient().isConnected()
          && (left <= 0 || !client.blockUntilConnected((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)),
              TimeUnit.MILLISECONDS))) {
        throw new TimeoutException("cannot reach ZooKeeper at " + url.connectString() + " (waited "
            + waited(start) + "): is ZooKeeper running there, and is " + url + " the right address?");
      }
      CountDownLatch changed = new CountDownLatch(1);
      try {
        Optional<HostPort> leader = readLeader(changed);
        if (leader.isPresent()) {
          return leader.get();
        }
      } catch (KeeperException.NoNodeException e) {
        // no master has ever joined the latch: wait and retry
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        LOG.debug("ZooKeeper lookup of the leader at {} failed: {}", url, e.toString());
      }
      left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException("no leading master at " + url + " (waited " + waited(start)
            + "): ZooKeeper answers, but no master leads there; is a master running with --zk " + url + "?");
      }
      changed.await(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
    }
  }

  /** The time since {@code start}, e.g. {@code 15.0 s}. */
  private static String waited(long start) {
    return String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - start) / 1e9);
  }

  private Optional<HostPort> readLeader(CountDownLatch changed) throws Exception {
    List<String> children =
        client
            .getChildren()
            .usingWatcher((org.apache.zookeeper.Watcher) event -> changed.countDown())
            .forPath(url.leaderLatchPath());
    Optional<String> first =
        children.stream()
            .filter(c -> c.contains("latch-"))
            .min(Comparator.comparing(ZooKeeperMasterDetector::sequence));
    if (first.isEmpty()) {
      return Optional.empty();
    }
    byte[] data = client.getData().forPath(url.leaderLatchPath() + "/" + first.get());
    String id = new String(data, StandardCharsets.UTF_8).trim();
    if (id.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(HostPort.parse(id));
  }

  @Override
  public synchronized void addLeaderListener(java.util.function.Consumer<HostPort> listener) {
    listeners.add(listener);
    if (cache == null) {
      cache = org.apache.curator.framework.recipes.cache.CuratorCache.build(client, url.leaderLatchPath());
      cache.listenable().addListener((type, before, after) -> leaderMayHaveChanged());
      cache.start();
    }
  }

  private void leaderMayHaveChanged() {
    try {
      Optional<HostPort> leader = readLeader(new CountDownLatch(1));
      if (leader.isPresent() && !leader.get().equals(lastLeader)) {
        lastLeader = leader.get();
        for (java.util.function.Consumer<HostPort> l : listeners) {
          l.accept(leader.get());
        }
      }
    } catch (Exception e) {
      LOG.debug("re-reading the leader at {}: {}", url, e.toString());
    }
  }

  private static String sequence(String node) {
    int i = node.lastIndexOf('-');
    return i < 0 ? node : node.substring(i + 1);
  }

  @Override
  public String spec() {
    return url.toString();
  }

  @Override
  public synchronized void close() {
    if (cache != null) {
      cache.close();
    }
    client.close();
  }
}
