package io.corral.master.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.detect.MasterDetector;
import io.corral.common.detect.ZkUrl;
import io.corral.common.net.HostPort;
import io.corral.common.security.ZkDigest;
import io.corral.master.registry.AgentRecord;
import io.corral.master.registry.ZkAgentRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The masters' ZooKeeper identity, against a real ZooKeeper: their nodes are theirs to change, anyone's to read. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ZkDigestTest {
  private static final ZkDigest MASTERS = new ZkDigest("corral-masters", "s3cret-of-the-masters");

  @TempDir Path dir;
  private TestingServer zk;
  private ZkUrl url;
  private CuratorFramework anonymous;

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    url = ZkUrl.parse("zk://" + zk.getConnectString() + "/corral");
    anonymous = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
    anonymous.start();
  }

  @AfterEach
  void stop() throws Exception {
    anonymous.close();
    zk.close();
  }

  private ZkLeadership master(String id, ZkDigest digest) {
    return new ZkLeadership(url, Duration.ofSeconds(10), id, digest, event -> { });
  }

  @Test
  void anElectedMastersNodesCanBeReadButNotChangedByAnyoneElse() throws Exception {
    try (ZkLeadership leader = master("127.0.0.1:5050", MASTERS)) {
      leader.start();
      leader.awaitSettled(Duration.ofSeconds(30));
      assertThat(leader.hasLeadership()).isTrue();
      ZkAgentRegistry registry = new ZkAgentRegistry(leader.client(), url.registryPath());
      registry.put("agent-1", new AgentRecord(AgentRecord.State.ADMITTED, 1L)).get(30, TimeUnit.SECONDS);

      // Agents, schedulers and the CLI find the leader without any ZooKeeper credentials.
      try (MasterDetector detector = MasterDetector.forSpec(url.toString())) {
        assertThat(detector.detect(Duration.ofSeconds(30))).isEqualTo(HostPort.parse("127.0.0.1:5050"));
      }

      List<String> latchNodes = anonymous.getChildren().forPath(url.leaderLatchPath());
      assertThat(latchNodes).hasSize(1);
      String leaderNode = url.leaderLatchPath() + "/" + latchNodes.get(0);
      assertThatThrownBy(() -> anonymous.delete().forPath(leaderNode))
          .isInstanceOf(KeeperException.NoAuthException.class);
      assertThatThrownBy(() -> anonymous.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
          .forPath(url.leaderLatchPath() + "/_c_planted-latch-"))
          .isInstanceOf(KeeperException.NoAuthException.class);
      assertThatThrownBy(() -> anonymous.setData().forPath(url.registryPath() + "/agents/agent-1",
          "GONE 0".getBytes(StandardCharsets.UTF_8))).isInstanceOf(KeeperException.NoAuthException.class);
      assertThatThrownBy(() -> anonymous.delete().forPath(url.registryPath() + "/agents/agent-1"))
          .isInstanceOf(KeeperException.NoAuthException.class);
      assertThat(new ZkAgentRegistry(anonymous, url.registryPath()).load()).containsKey("agent-1");

      // A second master with the same identity joins the election as a standby.
      try (ZkLeadership standby = master("127.0.0.1:5051", new ZkDigest("corral-masters", "s3cret-of-the-masters"))) {
        standby.start();
        standby.awaitSettled(Duration.ofSeconds(30));
        assertThat(standby.hasLeadership()).isFalse();
        assertThat(standby.leaderId()).contains("127.0.0.1:5050");
      }
    }
  }

  @Test
  void aMasterWithAnotherIdentityIsRefusedWithAClearError() throws Exception {
    try (ZkLeadership leader = master("127.0.0.1:5050", MASTERS)) {
      leader.start();
      leader.awaitSettled(Duration.ofSeconds(30));
      try (ZkLeadership impostor = master("127.0.0.1:6060", new ZkDigest("corral-masters", "guessed"))) {
        assertThatThrownBy(impostor::start)
            .hasMessageContaining("ZooKeeper node /corral belongs to another ZooKeeper identity")
            .hasMessageContaining("--zk-secret-file");
      }
      assertThat(leader.hasLeadership()).isTrue();
    }
  }

  @Test
  void nodesLeftOpenBeforeAuthenticationWasTurnedOnAreSecured() throws Exception {
    anonymous.create().creatingParentsIfNeeded().forPath(url.registryPath() + "/agents/agent-old",
        "ADMITTED 1".getBytes(StandardCharsets.UTF_8));
    anonymous.create().creatingParentsIfNeeded().forPath(url.leaderLatchPath());
    assertThat(anonymous.getACL().forPath(url.leaderLatchPath())).isEqualTo(ZooDefs.Ids.OPEN_ACL_UNSAFE);

    try (ZkLeadership leader = master("127.0.0.1:5050", MASTERS)) {
      leader.start();
      leader.awaitSettled(Duration.ofSeconds(30));
      for (String path : List.of(url.path(), url.leaderLatchPath(), url.registryPath(),
          url.registryPath() + "/agents", url.registryPath() + "/agents/agent-old")) {
        // ZooKeeper shows a digest only to those who may administer the node: "corral-masters:x".
        assertThat(anonymous.getACL().forPath(path)).as(path)
            .extracting(acl -> acl.getPerms() + " " + acl.getId().getScheme() + ":" + acl.getId().getId().split(":")[0])
            .containsExactlyInAnyOrder(ZooDefs.Perms.ALL + " digest:corral-masters", ZooDefs.Perms.READ + " world:anyone");
      }
      assertThatThrownBy(() -> anonymous.delete().forPath(url.registryPath() + "/agents/agent-old"))
          .isInstanceOf(KeeperException.NoAuthException.class);
    }
  }

  @Test
  void theSecretFileHoldsUserColonPassword() throws Exception {
    Path file = dir.resolve("zk-secret");
    Files.writeString(file, "corral-masters:pa:ss\n");
    assertThat(ZkDigest.load(file)).isEqualTo(new ZkDigest("corral-masters", "pa:ss"));
    assertThat(ZkDigest.load(file).toString()).doesNotContain("pa:ss");

    Files.writeString(file, "no-colon\n");
    assertThatThrownBy(() -> ZkDigest.load(file)).hasMessageContaining("must hold one line 'user:password'");
    Files.writeString(file, ":password\n");
    assertThatThrownBy(() -> ZkDigest.load(file)).hasMessageContaining("must hold one line 'user:password'");
    assertThatThrownBy(() -> ZkDigest.load(dir.resolve("missing"))).hasMessageContaining("does not exist");
  }
}
