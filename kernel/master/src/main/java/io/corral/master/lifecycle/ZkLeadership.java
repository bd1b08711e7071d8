package io.corral.master.lifecycle;

import io.corral.common.detect.ZkUrl;
import io.corral.common.loop.EventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import java.util.HashSet;
import java.util.List;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master's place in the ZooKeeper election, and its lease on leadership.
 *
 * <p>The connection-state policy is chosen deliberately: with Curator's default, a latch gives
 * up leadership as soon as the connection is SUSPENDED, and a network blip of a second would
 * fail the master over. With {@link SessionConnectionStateErrorPolicy} only a LOST session ends
 * the leadership; while SUSPENDED the master pauses (no offers, no launches).
 *
 * <p>The lease fences a master that was frozen (SIGSTOP, a long GC pause) past its session
 * timeout: the master may only act while a ZooKeeper round trip it started less than two
 * thirds of a session timeout ago has succeeded. A session cannot expire before the server
 * last heard from it plus the session timeout, so within the lease no other master can have
 * been elected.
 */
public final class ZkLeadership implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ZkLeadership.class);

  private final ZkUrl url;
  private final Duration sessionTimeout;
  private final ZkDigest digest;
  private final CuratorFramework client;
  private final LeaderLatch latch;
  /** Renews the lease: a thread of its own, so that a busy master loop does not let it lapse. */
  private final EventLoop leaseTimer = EventLoop.threaded("corral-zk-lease");
  private final Lease lease;
  private final AtomicLong electedSession = new AtomicLong();

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
    this.sessionTimeout = sessionTimeout;
    this.digest = digest;
    this.lease = new Lease(sessionTimeout.multipliedBy(2).dividedBy(3), System::nanoTime);
    CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
        .connectString(url.connectString())
        .sessionTimeoutMs((int) sessionTimeout.toMillis())
        .connectionTimeoutMs((int) Math.min(15_000, sessionTimeout.toMillis()))
        .retryPolicy(new ExponentialBackoffRetry(200, 10, 5_000))
        .connectionStateErrorPolicy(new SessionConnectionStateErrorPolicy());
    if (digest != null) {
      List<ACL> acl = digest.acl();
      builder.authorization("digest", digest.authBytes()).aclProvider(new ACLProvider() {
        @Override
        public List<ACL> getDefaultAcl() {
          return acl;
        }

        @Override
        public List<ACL> getAclForPath(String path) {
          return acl;
        }
      });
    }
    this.client = builder.build();
    // Registered before the latch's own listener, so a lost session is reported as such first.
    client.getConnectionStateListenable().addListener((c, state) -> {
      switch (state) {
        case SUSPENDED -> {
          LOG.warn("ZooKeeper connection suspended: pausing offers and launches");
          events.accept(MasterLifecycle.Event.ZK_SUSPENDED);
        }
        case RECONNECTED -> {
          LOG.info("ZooKeeper connection back");
          renewLease();
          events.accept(MasterLifecycle.Event.ZK_RECONNECTED);
        }
        case LOST -> {
          LOG.error("ZooKeeper session lost: this master may no longer lead");
          lease.revoke();
          events.accept(MasterLifecycle.Event.ZK_SESSION_LOST);
        }
        default -> { }
      }
    });
    this.latch = new LeaderLatch(client, url.leaderLatchPath(), id);
    latch.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        electedSession.set(currentSessionId());
        renewLease();
        events.accept(MasterLifecycle.Event.ELECTED);
      }

      @Override
      public void notLeader() {
        lease.revoke();
        // The latch may hear of an expired session before the connection listener does; the
        // exit code must say why all the same.
        events.accept(sessionLost() ? MasterLifecycle.Event.ZK_SESSION_LOST : MasterLifecycle.Event.LEADERSHIP_LOST);
      }
    });
  }

  /** The id of the live ZooKeeper session, or 0 when there is none (expired, closed, not yet connected). */
  private long currentSessionId() {
    try {
      org.apache.zookeeper.ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
      return zk.getState().isAlive() ? zk.getSessionId() : 0;
    } catch (Exception e) {
      return 0;
    }
  }

  /** Whether the session this master was elected in is gone. */
  private boolean sessionLost() {
    long elected = electedSession.get();
    return elected != 0 && currentSessionId() != elected;
  }

  /** Connects and joins the election (returns at once; {@code ELECTED} comes later). */
  public void start() throws Exception {
    client.start();
    long wait = Math.max(sessionTimeout.toMillis(), 15_000);
    if (!client.blockUntilConnected((int) wait, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("cannot reach ZooKeeper at " + url.connectString() + " (waited " + wait / 1000
          + " s): is ZooKeeper running there, and is " + url + " the right address?");
    }
    if (digest != null) {
      secureExistingNodes();
    }
    latch.start();
    leaseTimer.scheduleWithFixedDelay(Duration.ofMillis(Math.max(50, sessionTimeout.toMillis() / 6)),
        this::renewLease);
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
        for (String child : client.getChildren().forPath(path)) {
          secure(path + "/" + child, acl);
        }
      }
    }
  }

  /** Gives {@code path} the masters' {@code acl}; whether it had another one. */
  private boolean secure(String path, List<ACL> acl) throws Exception {
    List<ACL> current;
    try {
      current = client.getACL().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return false;
    }
    if (new HashSet<>(current).equals(new HashSet<>(acl))) {
      return false;
    }
    try {
      client.setACL().withACL(acl).forPath(path);
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
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (latch.hasLeadership()) {
        return;
      }
      if (latch.getOurPath() != null) {
        try {
          String leader = latch.getLeader().getId();
          if (!leader.isEmpty() && !leader.equals(latch.getId())) {
            return; // someone else leads: a standby
          }
        } catch (Exception e) {
          LOG.debug("looking up the leader: {}", e.toString());
        }
      }
      try {
        Thread.sleep(20); // polling ZooKeeper's answer, with a deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The leader's id ("host:port") as ZooKeeper has it, if there is one. */
  public java.util.Optional<String> leaderId() {
    try {
      String leader = latch.getLeader().getId();
      return leader.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(leader);
    } catch (Exception e) {
      LOG.debug("looking up the leader: {}", e.toString());
      return java.util.Optional.empty();
    }
  }

  public CuratorFramework client() {
    return client;
  }

  public boolean hasLeadership() {
    return latch.hasLeadership();
  }

  /** Whether this master may act as the leader right now (see the class comment). */
  public boolean leaseValid() {
    return latch.hasLeadership() && lease.valid();
  }

  private void renewLease() {
    if (!latch.hasLeadership()) {
      return;
    }
    long began = lease.trip();
    try {
      client.checkExists().inBackground((c, event) -> {
        if (event.getResultCode() == 0 && latch.hasLeadership()) {
          lease.confirmed(began);
        }
      }).forPath(url.leaderLatchPath());
    } catch (Exception e) {
      LOG.debug("lease renewal failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    leaseTimer.close();
    try {
      latch.close();
    } catch (Exception e) {
      LOG.debug("closing the leader latch: {}", e.toString());
    }
    client.close();
  }
}
