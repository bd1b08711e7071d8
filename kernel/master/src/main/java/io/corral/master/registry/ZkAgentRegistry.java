package io.corral.master.registry;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry in ZooKeeper: one persistent node per agent under {@code <path>/registry/agents},
 * its data "STATE sinceMillis". Small (tens of bytes per agent) and written only when an
 * agent's standing changes, never per task.
 */
public final class ZkAgentRegistry implements AgentRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ZkAgentRegistry.class);

  private final CuratorFramework client;
  private final String agentsPath;

  public ZkAgentRegistry(CuratorFramework client, String registryPath) {
    this.client = client;
    this.agentsPath = registryPath + "/agents";
  }

  @Override
  public Map<String, AgentRecord> load() throws Exception {
    Map<String, AgentRecord> out = new HashMap<>();
    List<String> ids;
    try {
      ids = client.getChildren().forPath(agentsPath);
    } catch (KeeperException.NoNodeException e) {
      return out;
    }
    for (String id : ids) {
      try {
        byte[] data = client.getData().forPath(agentsPath + "/" + id);
        out.put(id, AgentRecord.parse(new String(data, StandardCharsets.UTF_8)));
      } catch (KeeperException.NoNodeException e) {
        // removed meanwhile
      } catch (RuntimeException e) {
        LOG.warn("ignoring an unreadable registry entry for agent {}: {}", id, e.toString());
      }
    }
    return out;
  }

  @Override
  public CompletableFuture<Void> put(String agentId, AgentRecord record) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    byte[] data = record.format().getBytes(StandardCharsets.UTF_8);
    String path = agentsPath + "/" + agentId;
    try {
      client.create().orSetData().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
          .inBackground((c, event) -> complete(done, event.getResultCode(), "write " + path))
          .forPath(path, data);
    } catch (Exception e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  @Override
  public CompletableFuture<Void> remove(String agentId) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    String path = agentsPath + "/" + agentId;
    try {
      client.delete().quietly().inBackground((c, event) -> {
        int rc = event.getResultCode();
        complete(done, rc == KeeperException.Code.NONODE.intValue() ? 0 : rc, "delete " + path);
      }).forPath(path);
    } catch (Exception e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  private static void complete(CompletableFuture<Void> done, int rc, String what) {
    if (rc == 0) {
      done.complete(null);
    } else {
      done.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), what));
    }
  }
}
