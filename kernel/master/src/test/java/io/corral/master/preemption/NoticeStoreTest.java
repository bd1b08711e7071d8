package io.corral.master.preemption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The saved preemption notices, in a real ZooKeeper and in a work dir: what is saved last is what loads. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NoticeStoreTest {
  private static final List<Notice> TWO = List.of(
      new Notice("F1", "t3", "A1", "b", Instant.parse("2026-01-01T00:00:12.345Z")),
      new Notice("F1", "t2", "A2", "eng/etl", Instant.parse("2026-01-01T00:00:12.345Z")));

  @TempDir
  Path dir;

  @Test
  void zooKeeperKeepsTheLastSave() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      client.start();
      ZkNoticeStore store = new ZkNoticeStore(client, "/corral/registry");
      assertThat(store.load()).isEmpty();
      store.save(TWO).get();
      assertThat(new ZkNoticeStore(client, "/corral/registry").load()).isEqualTo(TWO);
      store.save(TWO.subList(1, 2));
      store.save(List.of()).get();
      assertThat(store.load()).isEmpty();
    }
  }

  @Test
  void theWorkDirKeepsTheLastSave() throws Exception {
    FileNoticeStore store = new FileNoticeStore(dir.resolve("master"));
    assertThat(store.load()).isEmpty();
    store.save(TWO).get();
    assertThat(new FileNoticeStore(dir.resolve("master")).load()).isEqualTo(TWO);
  }

  @Test
  void whatIsNotNoticesSaysWhere() throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("preemptions.json"), "{\"notices\": [{\"task_id\": \"t1\"}]}");
    assertThatThrownBy(() -> new FileNoticeStore(dir).load()).isInstanceOf(IOException.class)
        .hasMessageContaining("preemptions.json").hasMessageContaining("framework_id");
    assertThatThrownBy(() -> NoticesJson.read("nope".getBytes(StandardCharsets.UTF_8), "node x"))
        .hasMessageStartingWith("node x is not JSON");
  }
}
