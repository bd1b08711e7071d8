package io.corral.master.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Operations on one node land in the order asked for, from a node whose parents are not there yet. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZkNodeWritesTest {

  @Test
  void eachNodeEndsAsItsLastOperationLeftIt() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      client.start();
      ZkNodeWrites writes = new ZkNodeWrites(client);
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int i = 1; i <= 50; i++) {
        for (String node : List.of("a", "b", "c")) {
          all.add(writes.put("/corral/registry/agents/" + node, bytes(node + i)));
        }
        all.add(writes.delete("/corral/registry/agents/b"));
      }
      all.add(writes.delete("/corral/registry/agents/never-written"));
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();

      assertThat(new String(client.getData().forPath("/corral/registry/agents/a"), StandardCharsets.UTF_8)).isEqualTo("a50");
      assertThat(new String(client.getData().forPath("/corral/registry/agents/c"), StandardCharsets.UTF_8)).isEqualTo("c50");
      assertThat(client.checkExists().forPath("/corral/registry/agents/b")).as("deleted last").isNull();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
