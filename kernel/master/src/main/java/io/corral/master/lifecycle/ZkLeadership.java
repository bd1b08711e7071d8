package io.corral.master.lifecycle;

import io.corral.common.detect.ZkUrl;
import io.corral.common.election.ZkElection;
import io.corral.common.security.ZkDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master's place in the ZooKeeper election ({@link ZkElection}: the latch on {@code <path>/leader},
 * the connection-state policy, the lease), told as the master's own {@link MasterLifecycle.Event}s;
 * with a ZooKeeper identity, the masters' nodes made before it was turned on are secured first.
 */
public final class ZkLeadership implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ZkLeadership.class);

  private final ZkUrl url;
  private final ZkDigest digest;
  private final ZkElection election;

  /**
   * @param id this master's "host:port", the data of its latch node (what clients read)
   * @param events receives the lifecycle events (on Curator's threads: hand them to the loop)
   */
  public ZkLeadership(ZkUrl url, Duration sessionTimeout, String id, Consumer<MasterLifecycle.Event> events) {
    this(url, sessionTimeout, id, null, events);
  }

  /**
   * @param digest the masters' ZooKeeper identity, or null: with one, the masters' znodes are
   *     theirs to change and anyone's to read (see {@link ZkDigest})
   */
  public ZkLeadership(ZkUrl url, Duration sessionTimeout, String id, ZkDigest digest,
      Consumer<MasterLifecycle.Event> events) {
    this.url = url;
    this.digest = digest;
    this.election = new ZkElection(url, sessionTimeout, id, digest, event -> events.accept(switch (event) {
      case ELECTED -> MasterLifecycle.Event.ELECTED;
      case SUSPENDED -> {
        LOG.warn("ZooKeeper connection suspended: pausing offers and launches");
        yield MasterLifecycle.Event.ZK_SUSPENDED;
      }
      case RECONNECTED -> MasterLifecycle.Event.ZK_RECONNECTED;
      case SESSION_LOST -> MasterLifecycle.Event.ZK_SESSION_LOST;
      case LEADERSHIP_LOST -> MasterLifecycle.Event.LEADERSHIP_LOST;
    }));
  }

  /** Connects and joins the election (returns at once; {@code ELECTED} comes later). */
  public void start() throws Exception {
    election.connect();
    if (digest != null) {
      secureExistingNodes();
    }
    election.join();
  }

  /**
   * Nodes made before ZooKeeper authentication was turned on keep the ACL they were made with
   * (usually open to anyone); this gives the masters' own nodes the masters' ACL. A node that
   * belongs to another identity is an error: the masters of one cluster share one identity.
   */
  private void secureExistingNodes() throws Exception {
    List<ACL> acl = digest.acl();
    String agents = url.registryPath() + "/agents";
    for (String path : List.of(url.path(), url.leaderLatchPath(), url.registryPath(), agents)) {
      if (secure(path, acl) && path.equals(agents)) {
        // The registry was open until now, so its entries were too (one pass, when it is secured).
        for (String child : client().getChildren().forPath(path)) {
          secure(path + "/" + child, acl);
        }
      }
    }
  }

  /** Gives {@code path} the masters' {@code acl}; whether it had another one. */
  private boolean secure(String path, List<ACL> acl) throws Exception {
    List<ACL> current;
    try {
      current = client().getACL().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return false;
    }
    if (new HashSet<>(current).equals(new HashSet<>(acl))) {
      return false;
    }
    try {
      client().setACL().withACL(acl).forPath(path);
    } catch (KeeperException.NoAuthException e) {
      throw new IllegalStateException("ZooKeeper node " + path + " belongs to another ZooKeeper identity than user '"
          + digest.user() + "' (all masters of a cluster must use the same --zk-secret-file)");
    }
    LOG.info("ZooKeeper node {} was open to change by anyone; now only ZooKeeper user '{}' may change it",
        path, digest.user());
    return true;
  }

  /** Waits until this master is either the leader or known to be a standby. */
  public void awaitSettled(Duration timeout) {
    election.awaitSettled(timeout);
  }

  /** The leader's id ("host:port") as ZooKeeper has it, if there is one. */
  public Optional<String> leaderId() {
    return election.leaderData();
  }

  public CuratorFramework client() {
    return election.client();
  }

  public boolean hasLeadership() {
    return election.hasLeadership();
  }

  /** Whether this master may act as the leader right now (see {@link ZkElection}: its lease). */
  public boolean leaseValid() {
    return election.leaseValid();
  }

  @Override
  public void close() {
    election.close();
  }
}
