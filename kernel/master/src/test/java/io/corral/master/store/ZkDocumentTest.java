package io.corral.master.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A document in a real ZooKeeper node: none until written, then the last write, in the order asked for. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZkDocumentTest {

  @Test
  void theNodeHoldsTheLastWriteAndSaysWhereItIs() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      client.start();
      ZkDocument node = new ZkDocument(client, "/corral/registry/doc");
      assertThat(node.read()).as("never written").isEmpty();
      assertThat(node.where()).isEqualTo("ZooKeeper node /corral/registry/doc");

      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 1; i <= 100; i++) {
        writes.add(node.write(bytes("{\"n\": " + i + "}")));
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
      assertThat(new ZkDocument(client, "/corral/registry/doc").read()).hasValueSatisfying(
          d -> assertThat(new String(d, StandardCharsets.UTF_8)).as("the last one asked for").isEqualTo("{\"n\": 100}"));
    }
  }

  @Test
  void aNodeZooKeeperRefusesFailsTheWriteNamingIt() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      client.start();
      client.create().withMode(CreateMode.EPHEMERAL).forPath("/parent"); // no children allowed
      CompletableFuture<Void> write = new ZkDocument(client, "/parent/doc").write(bytes("{}"));
      assertThatThrownBy(write::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(IOException.class)
          .hasMessage("could not write /parent/doc in ZooKeeper: NOCHILDRENFOREPHEMERALS");
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
