package io.corral.frameworks.common.election;

import io.corral.common.detect.ZkUrl;
import io.corral.common.election.ZkElection;
import io.corral.common.security.ZkDigest;
import io.corral.frameworks.common.store.Fence;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;

/**
 * The election among a framework's instances on one ZooKeeper path ({@code --zk zk://host:2181/corral-services}):
 * the kernel's {@link ZkElection} with participants on {@code <path>/leader}, each one's data its
 * HTTP URL, so that standbys know where to pass requests on ({@link #leaderUrl}). Its
 * {@link #fence} keeps an instance that lost its session or lease from changing the state in
 * {@code <path>/state}.
 */
public final class FrameworkElection implements AutoCloseable {
  private final ZkUrl url;
  private final String ownUrl;
  private final ZkElection election;

  /**
   * @param ownUrl this instance's HTTP URL ({@code http://host:port}), what standbys read of it once it leads
   * @param digest the instances' ZooKeeper identity, or null (see {@link ZkDigest})
   * @param events the election's events, on Curator's threads (hand them to the instance's loop)
   */
  public FrameworkElection(ZkUrl url, Duration sessionTimeout, String ownUrl, ZkDigest digest,
      Consumer<ZkElection.Event> events) {
    this.url = url;
    this.ownUrl = ownUrl;
    this.election = new ZkElection(url, sessionTimeout, ownUrl, digest, events);
  }

  /** Connects (failing with one line when ZooKeeper cannot be reached) and joins the election. */
  public void start() throws Exception {
    connect();
    join();
  }

  /** Connects to ZooKeeper, or fails with one line saying it cannot be reached. */
  public void connect() throws InterruptedException {
    election.connect();
  }

  /** Joins the election (returns at once: the instance hears when it is elected). */
  public void join() throws Exception {
    election.join();
  }

  /** Whether this instance holds the leadership (its lease aside: see {@link #fence}). */
  public boolean elected() {
    return election.hasLeadership();
  }

  /** The leader's HTTP URL, if there is a leader. */
  public Optional<String> leaderUrl() {
    return election.leaderData();
  }

  public String ownUrl() {
    return ownUrl;
  }

  /** Where the instances keep their state: {@code <path>/state}. */
  public String statePath() {
    return url.path() + "/state";
  }

  public ZkUrl url() {
    return url;
  }

  /** Writes only while this instance leads, holds its lease and its election node exists. */
  public Fence fence() {
    return new Fence() {
      @Override
      public boolean holds() {
        return election.leaseValid() && election.ourNode().isPresent();
      }

      @Override
      public Optional<String> node() {
        return election.ourNode();
      }
    };
  }

  public CuratorFramework client() {
    return election.client();
  }

  /** Leaves the election (another instance is elected at once) and closes the connection. */
  @Override
  public void close() {
    election.close();
  }
}
