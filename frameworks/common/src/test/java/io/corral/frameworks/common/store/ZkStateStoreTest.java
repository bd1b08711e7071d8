package io.corral.frameworks.common.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.frameworks.common.ZkSessions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ZooKeeper's store, against a real ZooKeeper: the contract, and the fence that keeps a deposed leader out. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZkStateStoreTest extends StateStoreContract {
  private static final AtomicInteger TESTS = new AtomicInteger();
  private static TestingServer zk;
  private CuratorFramework client;
  private String root;

  @BeforeAll
  static void startZooKeeper() throws Exception {
    zk = new TestingServer(true);
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    zk.close();
  }

  private static CuratorFramework connect() throws InterruptedException {
    CuratorFramework c = CuratorFrameworkFactory.newClient(zk.getConnectString(), 10_000, 5_000, new RetryOneTime(100));
    c.start();
    assertThat(c.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
    return c;
  }

  @Override
  StateStore open() throws Exception {
    client = connect();
    root = "/corral-test-" + TESTS.incrementAndGet() + "/state";
    return new ZkStateStore(client, root, Fence.NONE);
  }

  @Override
  StateStore reopen() throws Exception {
    store.close();
    client.close();
    client = connect();
    return new ZkStateStore(client, root, Fence.NONE);
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  @Test
  void anInstanceWhoseFenceDoesNotHoldChangesNothing() throws Exception {
    store.put("apps/web", bytes("v1"));
    StateStore fenced = new ZkStateStore(client, root, new Fence() {
      @Override
      public boolean holds() {
        return false;
      }

      @Override
      public Optional<String> node() {
        return Optional.empty();
      }
    });
    assertThatThrownBy(() -> fenced.put("apps/web", bytes("v2")))
        .isInstanceOfSatisfying(StateStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(StateStoreException.Reason.NOT_LEADING))
        .hasMessageContaining("does not lead");
    assertThatThrownBy(() -> fenced.delete("apps/web")).isInstanceOf(StateStoreException.class);
    assertThat(value("apps/web")).isEqualTo("v1");
  }

  @Test
  void aWriteOfALeaderWhoseSessionEndedDoesNotLandHoweverLateItComes() throws Exception {
    // The leader's election node, ephemeral in a session of its own; its lease still says it may write (a
    // leader frozen past its session timeout that wakes before it notices).
    CuratorFramework leader = connect();
    try {
      String node = leader.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
          .forPath("/corral-test-leader/leader/latch-", new byte[0]);
      Fence fence = new Fence() {
        @Override
        public boolean holds() {
          return true;
        }

        @Override
        public Optional<String> node() {
          return Optional.of(node);
        }
      };
      StateStore fenced = new ZkStateStore(client, root, fence);
      fenced.commit(new Transaction().put("apps/web", bytes("v1")).put("deployments/d1", bytes("d1")));
      assertThat(value("apps/web")).isEqualTo("v1");

      ZkSessions.expire(leader, zk.getConnectString());

      assertThatThrownBy(() -> fenced.commit(new Transaction().put("apps/web", bytes("v2")).delete("deployments/d1")))
          .isInstanceOfSatisfying(StateStoreException.class,
              e -> assertThat(e.reason()).isEqualTo(StateStoreException.Reason.NOT_LEADING));
      assertThat(value("apps/web")).isEqualTo("v1");
      assertThat(value("deployments/d1")).isEqualTo("d1");
    } finally {
      leader.close();
    }
  }

  @Test
  void aValueOfAFormatThisVersionCannotReadIsAnErrorNotAnotherValue() throws Exception {
    client.create().creatingParentsIfNeeded().forPath(root + "/apps/web", new byte[] {9, 'x'});
    assertThatThrownBy(() -> store.get("apps/web"))
        .isInstanceOfSatisfying(StateStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(StateStoreException.Reason.FAILED))
        .hasMessageContaining("in a format this version cannot read");
  }
}
