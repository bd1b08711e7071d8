package io.corral.master.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.resources.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The saved role settings, in a real ZooKeeper and in a work dir: what is saved last is what loads. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoleSettingsStoreTest {
  private static final RoleSettings SET = RoleSettings.EMPTY
      .withQuota("eng", new Quota(Resources.parse("cpus:1;mem:512"), Resources.parse("cpus:2")))
      .withWeights(Map.of("eng/etl", 3.0));

  @TempDir
  Path dir;

  @Test
  void zooKeeperKeepsTheLastSave() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      client.start();
      ZkRoleSettingsStore store = new ZkRoleSettingsStore(client, "/corral/registry");
      assertThat(store.load()).isEqualTo(RoleSettings.EMPTY);
      store.save(SET).get();
      assertThat(new ZkRoleSettingsStore(client, "/corral/registry").load()).isEqualTo(SET);
      client.setData().forPath("/corral/registry/roles", "[]".getBytes());
      assertThatThrownBy(store::load).isInstanceOf(IOException.class)
          .hasMessage("ZooKeeper node /corral/registry/roles is not a JSON object");
    }
  }

  @Test
  void theWorkDirKeepsTheLastSave() throws Exception {
    FileRoleSettingsStore store = new FileRoleSettingsStore(dir.resolve("master"));
    assertThat(store.load()).isEqualTo(RoleSettings.EMPTY);
    store.save(SET).get();
    assertThat(new FileRoleSettingsStore(dir.resolve("master")).load()).isEqualTo(SET);
    Files.writeString(dir.resolve("master").resolve("roles.json"), "nope");
    assertThatThrownBy(store::load).isInstanceOf(IOException.class)
        .hasMessageStartingWith(dir.resolve("master").resolve("roles.json") + " is not JSON");
  }
}
