package io.corral.common.election;

import io.corral.common.detect.ZkUrl;
import io.corral.common.loop.EventLoop;
import io.corral.common.security.ZkDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's place in a ZooKeeper leader election on {@code <path>/leader} (a Curator
 * {@link LeaderLatch}), and its lease on the leadership: what a master and a built-in framework's
 * instance share. Each participant's latch node holds its data (a master's {@code host:port}, a
 * framework instance's HTTP URL), which is how the others find the leader ({@link #leaderData}).
 *
 * <p>The connection-state policy is chosen deliberately: with Curator's default, a latch gives up
 * leadership as soon as the connection is SUSPENDED, and a network blip of a second would fail the
 * leader over. With {@link SessionConnectionStateErrorPolicy} only a LOST session ends the
 * leadership; while SUSPENDED the leader pauses ({@link Event#SUSPENDED}).
 *
 * <p>The lease fences a leader that was frozen (SIGSTOP, a long GC pause) past its session timeout:
 * it may only act while a ZooKeeper round trip it started less than two thirds of a session timeout
 * ago has succeeded ({@link #leaseValid}). A session cannot expire before the server last heard from
 * it plus the session timeout, so within the lease no other participant can have been elected.
 */
public final class ZkElection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ZkElection.class);

  /** What happens to a participant; delivered on Curator's threads (hand them to the owner's loop). */
  public enum Event {
    /** This participant leads now. */
    ELECTED,
    /** The connection to ZooKeeper is suspended: still the leader, but pause until it is back or lost. */
    SUSPENDED,
    /** The connection is back within the session: carry on. */
    RECONNECTED,
    /** The session expired: another participant may lead by now. */
    SESSION_LOST,
    /** The leadership ended without the session ending (the latch was lost or closed). */
    LEADERSHIP_LOST
  }

  private final ZkUrl url;
  private final Duration sessionTimeout;
  private final CuratorFramework client;
  private final LeaderLatch latch;
  /** Renews the lease: a thread of its own, so that a busy owner's loop does not let it lapse. */
  private final EventLoop leaseTimer = EventLoop.threaded("corral-zk-lease");
  private final Lease lease;
  private final AtomicLong electedSession = new AtomicLong();

  /**
   * @param participantData what this participant's latch node holds (what the others read of the leader)
   * @param digest the participants' ZooKeeper identity, or null: with one, the nodes they create are
   *     theirs to change and anyone's to read (see {@link ZkDigest})
   * @param events receives the events (on Curator's threads)
   */
  public ZkElection(ZkUrl url, Duration sessionTimeout, String participantData, ZkDigest digest,
      Consumer<Event> events) {
    this.url = url;
    this.sessionTimeout = sessionTimeout;
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
          LOG.warn("ZooKeeper connection to {} suspended", url);
          events.accept(Event.SUSPENDED);
        }
        case RECONNECTED -> {
          LOG.info("ZooKeeper connection to {} back", url);
          renewLease();
          events.accept(Event.RECONNECTED);
        }
        case LOST -> {
          LOG.error("ZooKeeper session at {} lost: this participant may no longer lead", url);
          lease.revoke();
          events.accept(Event.SESSION_LOST);
        }
        default -> { }
      }
    });
    this.latch = new LeaderLatch(client, url.leaderLatchPath(), participantData);
    latch.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        electedSession.set(currentSessionId());
        renewLease();
        events.accept(Event.ELECTED);
      }

      @Override
      public void notLeader() {
        lease.revoke();
        // The latch may hear of an expired session before the connection listener does; the
        // event must say why all the same.
        events.accept(sessionLost() ? Event.SESSION_LOST : Event.LEADERSHIP_LOST);
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

  /** Whether the session this participant was elected in is gone. */
  private boolean sessionLost() {
    long elected = electedSession.get();
    return elected != 0 && currentSessionId() != elected;
  }

  /** Connects and joins the election (returns at once; {@link Event#ELECTED} comes later). */
  public void start() throws Exception {
    connect();
    join();
  }

  /**
   * Connects to ZooKeeper, waiting for the connection (at least 15 s, or a session timeout); fails
   * with a one-line reason when ZooKeeper cannot be reached. Then {@link #client} may be used (say, to
   * secure nodes made before authentication was turned on) before {@link #join}.
   */
  public void connect() throws InterruptedException {
    client.start();
    long wait = Math.max(sessionTimeout.toMillis(), 15_000);
    if (!client.blockUntilConnected((int) wait, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("cannot reach ZooKeeper at " + url.connectString() + " (waited " + wait / 1000
          + " s): is ZooKeeper running there, and is " + url + " the right address?");
    }
  }

  /** Joins the election, once connected (returns at once; {@link Event#ELECTED} comes later). */
  public void join() throws Exception {
    latch.start();
    leaseTimer.scheduleWithFixedDelay(Duration.ofMillis(Math.max(50, sessionTimeout.toMillis() / 6)),
        this::renewLease);
  }

  /** Waits until this participant is either the leader or knows another one leads. */
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

  /** The leader's data (its participant data) as ZooKeeper has it, if there is a leader. */
  public Optional<String> leaderData() {
    try {
      String leader = latch.getLeader().getId();
      return leader.isEmpty() ? Optional.empty() : Optional.of(leader);
    } catch (Exception e) {
      LOG.debug("looking up the leader: {}", e.toString());
      return Optional.empty();
    }
  }

  /** This participant's own data. */
  public String participantData() {
    return latch.getId();
  }

  /**
   * This participant's latch node: ephemeral, so it exists only while the session it was made in
   * lives. A write that must not land once this leader's session ended can check it in the same
   * ZooKeeper transaction. Empty before the latch made it (and while it makes it anew).
   */
  public Optional<String> ourNode() {
    return Optional.ofNullable(latch.getOurPath());
  }

  /** Where the participants' latch nodes are. */
  public String latchPath() {
    return url.leaderLatchPath();
  }

  public CuratorFramework client() {
    return client;
  }

  public boolean hasLeadership() {
    return latch.hasLeadership();
  }

  /** Whether this participant may act as the leader right now (see the class comment). */
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

  /** Leaves the election (a successor is elected at once) and closes the connection. */
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
