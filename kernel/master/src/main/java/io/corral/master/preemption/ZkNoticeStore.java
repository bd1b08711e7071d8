package io.corral.master.preemption;

import io.corral.master.store.ZkDocument;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;

/**
 * The notices in ZooKeeper: one persistent node ({@code <zk path>/registry/preemptions}) holding them
 * whole as JSON. Writes go out in the background in the order they are asked for.
 */
public final class ZkNoticeStore implements NoticeStore {
  private final ZkDocument node;

  public ZkNoticeStore(CuratorFramework client, String registryPath) {
    this.node = new ZkDocument(client, registryPath + "/preemptions");
  }

  @Override
  public List<Notice> load() throws IOException {
    Optional<byte[]> data = node.read();
    return data.isEmpty() ? List.of() : NoticesJson.read(data.get(), node.where());
  }

  @Override
  public CompletableFuture<Void> save(List<Notice> notices) {
    return node.write(NoticesJson.write(notices));
  }
}
