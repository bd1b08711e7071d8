package io.corral.master.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ZkAgentRegistry} against a real ZooKeeper. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZkAgentRegistryTest {
  private TestingServer zk;
  private CuratorFramework client;
  private ZkAgentRegistry registry;

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
    client.start();
    registry = new ZkAgentRegistry(client, "/corral/registry");
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    zk.close();
  }

  @Test
  void anEmptyRegistryLoadsAsEmpty() throws Exception {
    assertThat(registry.load()).isEmpty();
  }

  @Test
  void loadsEveryEntryWritten() throws Exception {
    Map<String, AgentRecord> written = new HashMap<>();
    AgentRecord.State[] states = AgentRecord.State.values();
    for (int i = 0; i < 300; i++) {
      written.put("20250101-000000-abcd-A" + i, new AgentRecord(states[i % states.length], 1_000L + i));
    }
    CompletableFuture.allOf(written.entrySet().stream()
        .map(e -> registry.put(e.getKey(), e.getValue())).toArray(CompletableFuture[]::new)).get();
    registry.put("20250101-000000-abcd-A7", new AgentRecord(AgentRecord.State.GONE, 5L)).get();
    written.put("20250101-000000-abcd-A7", new AgentRecord(AgentRecord.State.GONE, 5L));
    registry.remove("20250101-000000-abcd-A8").get();
    written.remove("20250101-000000-abcd-A8");

    assertThat(registry.load()).isEqualTo(written);
  }

  @Test
  void keepsADrainThroughStateChangesAndReadsOldEntries() throws Exception {
    AgentRecord drained = new AgentRecord(AgentRecord.State.ADMITTED, 5L).withDrain(1_700_000_000_000L);
    registry.put("a1", drained.withState(AgentRecord.State.UNREACHABLE, 9L)).get();
    registry.put("a2", drained.withDrain(AgentRecord.NOT_DRAINED)).get();
    client.create().forPath("/corral/registry/agents/a3", "ADMITTED 7".getBytes(StandardCharsets.UTF_8));

    Map<String, AgentRecord> loaded = registry.load();
    assertThat(loaded.get("a1")).isEqualTo(new AgentRecord(AgentRecord.State.UNREACHABLE, 9L, 1_700_000_000_000L));
    assertThat(loaded.get("a2").drained()).isFalse();
    assertThat(loaded.get("a3")).isEqualTo(new AgentRecord(AgentRecord.State.ADMITTED, 7L));
  }

  @Test
  void skipsAnUnreadableEntry() throws Exception {
    registry.put("a1", new AgentRecord(AgentRecord.State.ADMITTED, 1L)).get();
    client.create().forPath("/corral/registry/agents/a2", "NOT-A-STATE 1".getBytes(StandardCharsets.UTF_8));

    assertThat(registry.load()).containsOnlyKeys(List.of("a1"));
  }
}
