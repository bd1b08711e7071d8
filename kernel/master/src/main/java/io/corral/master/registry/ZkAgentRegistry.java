package io.corral.master.registry;

import io.corral.master.store.ZkNodeWrites;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
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

  /** Longest wait for the answers of {@link #load}; Curator answers every read, with an error at worst. */
  private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);

  private final CuratorFramework client;
  private final String agentsPath;
  /** An agent's entry is written and deleted in the order asked for. */
  private final ZkNodeWrites writes;

  public ZkAgentRegistry(CuratorFramework client, String registryPath) {
    this.client = client;
    this.agentsPath = registryPath + "/agents";
    this.writes = new ZkNodeWrites(client);
  }

  /**
   * Reads every entry. The reads are sent all at once and answered in one stream (ZooKeeper
   * pipelines the requests of a session), not one round trip after another: a new leader reads
   * this before it recovers, and at 10,000 agents serial reads took seconds.
   */
  @Override
  public Map<String, AgentRecord> load() throws Exception {
    List<String> ids;
    try {
      ids = client.getChildren().forPath(agentsPath);
    } catch (KeeperException.NoNodeException e) {
      return new HashMap<>();
    }
    Map<String, AgentRecord> out = new ConcurrentHashMap<>();
    CountDownLatch answered = new CountDownLatch(ids.size());
    AtomicReference<Exception> failure = new AtomicReference<>();
    for (String id : ids) {
      String path = agentsPath + "/" + id;
      client.getData().inBackground((c, event) -> {
        try {
          KeeperException.Code rc = KeeperException.Code.get(event.getResultCode());
          if (rc == KeeperException.Code.OK) {
            out.put(id, AgentRecord.parse(new String(event.getData(), StandardCharsets.UTF_8)));
          } else if (rc != KeeperException.Code.NONODE) { // NONODE: removed meanwhile
            failure.compareAndSet(null, KeeperException.create(rc, path));
          }
        } catch (RuntimeException e) {
          LOG.warn("ignoring an unreadable registry entry for agent {}: {}", id, e.toString());
        } finally {
          answered.countDown();
        }
      }).forPath(path);
    }
    if (!answered.await(LOAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException(answered.getCount() + " of " + ids.size() + " registry entries unread after "
          + LOAD_TIMEOUT);
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return new HashMap<>(out);
  }

  @Override
  public CompletableFuture<Void> put(String agentId, AgentRecord record) {
    return writes.put(agentsPath + "/" + agentId, record.format().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public CompletableFuture<Void> remove(String agentId) {
    return writes.delete(agentsPath + "/" + agentId);
  }
}
