package io.corral.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedZooKeeperTest {
  @Test
  void servesClientsUntilClosed(@TempDir Path dir) throws Exception {
    String connect;
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dir.resolve("zk"))) {
      connect = zk.connectString();
      assertThat(connect).matches("127\\.0\\.0\\.1:\\d+");
      try (CuratorFramework c = CuratorFrameworkFactory.newClient(connect, new RetryOneTime(100))) {
        c.start();
        c.create().creatingParentsIfNeeded().forPath("/corral-demo/x", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(c.getData().forPath("/corral-demo/x"), StandardCharsets.UTF_8)).isEqualTo("hello");
      }
    }
    try (java.net.Socket s = new java.net.Socket()) {
      int port = Integer.parseInt(connect.substring(connect.indexOf(':') + 1));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000))
          .as("the port is closed").isInstanceOf(java.io.IOException.class);
    }
  }
}
