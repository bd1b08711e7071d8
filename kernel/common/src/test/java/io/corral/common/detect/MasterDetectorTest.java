package io.corral.common.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.corral.common.net.HostPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** host:port specs, bad specs, and leader lookup in a real ZooKeeper. */
@Timeout(120)
class MasterDetectorTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger PATHS = new AtomicInteger();

  private static TestingServer zk;

  private CuratorFramework client;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private String spec;

  @BeforeAll
  static void startZooKeeper() throws Exception {
    zk = new TestingServer(true);
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    zk.close();
  }

  @BeforeEach
  void connect() throws Exception {
    client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
    client.start();
    client.blockUntilConnected(20, TimeUnit.SECONDS);
    spec = "zk://" + zk.getConnectString() + "/corral-" + PATHS.incrementAndGet();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    client.close();
  }

  private MasterDetector detector() {
    MasterDetector d = MasterDetector.forSpec(spec);
    toClose.add(d);
    return d;
  }

  private LeaderLatch join(String id) throws Exception {
    LeaderLatch latch = new LeaderLatch(client, ZkUrl.parse(spec).leaderLatchPath(), id);
    latch.start();
    toClose.add(() -> {
      if (latch.getState() == LeaderLatch.State.STARTED) {
        latch.close();
      }
    });
    return latch;
  }

  @Test
  void aHostPortSpecIsTheMasterItself() throws Exception {
    try (MasterDetector d = MasterDetector.forSpec(" master-1:5050 ")) {
      assertThat(d.detect(Duration.ofMillis(1))).isEqualTo(new HostPort("master-1", 5050));
      assertThat(d.spec()).isEqualTo("master-1:5050");
    }
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   "})
  void aMissingSpecSaysWhatIsExpected(String bad) {
    assertThatThrownBy(() -> MasterDetector.forSpec(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no master given")
        .hasMessageContaining("host:port")
        .hasMessageContaining("zk://");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://master:5050", "etcd://h:2379/corral", "file:///tmp/master"})
  void otherSchemesAreRejected(String bad) {
    assertThatThrownBy(() -> MasterDetector.forSpec(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported master '" + bad + "'");
  }

  @Test
  void malformedSpecsAreRejected() {
    assertThatThrownBy(() -> MasterDetector.forSpec("master"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected host:port, got 'master'");
    assertThatThrownBy(() -> MasterDetector.forSpec("master:http"))
        .hasMessageContaining("bad port");
    assertThatThrownBy(() -> MasterDetector.forSpec("zk:///corral"))
        .hasMessageContaining("no ZooKeeper hosts");
    assertThatThrownBy(() -> MasterDetector.forSpec("zk://zkhost/corral"))
        .hasMessageContaining("expected host:port");
  }

  @Test
  void theLeaderIsTheFirstParticipantAndItsSuccessorTakesOver() throws Exception {
    LeaderLatch first = join("master-a:5050");
    first.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(first.hasLeadership()).isTrue();
    LeaderLatch second = join("master-b:5051");
    await().atMost(WAIT).until(() -> second.getParticipants().size() == 2);

    MasterDetector d = detector();
    assertThat(d.spec()).isEqualTo(spec);
    assertThat(d.detect(WAIT)).isEqualTo(new HostPort("master-a", 5050));

    first.close();
    assertThat(second.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(d.detect(WAIT)).isEqualTo(new HostPort("master-b", 5051)));
  }

  @Test
  void detectWaitsForALeaderToAppear() throws Exception {
    MasterDetector d = detector();
    CompletableFuture<HostPort> found = CompletableFuture.supplyAsync(() -> {
      try {
        return d.detect(WAIT);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    join("late-master:6060");
    assertThat(found.get(WAIT.toSeconds() + 5, TimeUnit.SECONDS))
        .isEqualTo(new HostPort("late-master", 6060));
  }

  @Test
  void withNoParticipantDetectTimesOut() throws Exception {
    MasterDetector d = detector();
    long start = System.nanoTime();
    assertThatThrownBy(() -> d.detect(Duration.ofMillis(500)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageStartingWith("no leading master at " + spec + " (waited 0.")
        .hasMessageEndingWith("ZooKeeper answers, but no master leads there; is a master running with --zk " + spec + "?");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
  }

  /** With ZooKeeper down, a lookup ends when its time is up (not when Curator's retries end) and says so. */
  @Test
  void withZooKeeperDownDetectTimesOutOnTimeNamingZooKeeper() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String down = "zk://127.0.0.1:" + closed + "/corral";
    MasterDetector d = MasterDetector.forSpec(down);
    toClose.add(d);
    long start = System.nanoTime();
    assertThatThrownBy(() -> d.detect(Duration.ofSeconds(2)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageMatching("cannot reach ZooKeeper at 127\\.0\\.0\\.1:" + closed + " \\(waited [2-9]\\.\\d s\\): "
            + "is ZooKeeper running there, and is zk://127\\.0\\.0\\.1:" + closed + "/corral the right address\\?");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(10));
  }

  @Test
  void afterTheLastParticipantLeavesDetectTimesOut() throws Exception {
    LeaderLatch only = join("master-a:5050");
    only.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    MasterDetector d = detector();
    assertThat(d.detect(WAIT)).isEqualTo(new HostPort("master-a", 5050));

    only.close();

    await().atMost(WAIT).untilAsserted(() ->
        assertThatThrownBy(() -> d.detect(Duration.ofMillis(300))).isInstanceOf(TimeoutException.class));
  }
}
