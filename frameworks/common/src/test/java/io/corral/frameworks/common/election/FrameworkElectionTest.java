package io.corral.frameworks.common.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.common.detect.ZkUrl;
import io.corral.common.election.ZkElection;
import io.corral.frameworks.common.ZkSessions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two instances of a framework elect one on a real ZooKeeper; the other takes over when it goes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FrameworkElectionTest {
  private static final Duration SOON = Duration.ofSeconds(20);
  private TestingServer zk;
  private ZkUrl url;

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    url = ZkUrl.parse("zk://" + zk.getConnectString() + "/corral-services");
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
  }

  /** An instance and what it hears. */
  private record Instance(FrameworkElection election, BlockingQueue<ZkElection.Event> events) implements AutoCloseable {
    ZkElection.Event next() throws InterruptedException {
      ZkElection.Event e = events.poll(SOON.toSeconds(), TimeUnit.SECONDS);
      assertThat(e).as("an event of the election").isNotNull();
      return e;
    }

    @Override
    public void close() {
      election.close();
    }
  }

  private Instance instance(String ownUrl) throws Exception {
    BlockingQueue<ZkElection.Event> events = new LinkedBlockingQueue<>();
    FrameworkElection e = new FrameworkElection(url, Duration.ofSeconds(10), ownUrl, null, events::add);
    e.start();
    return new Instance(e, events);
  }

  @Test
  void theStandbyFollowsTheLeaderAndTakesOverWhenTheLeadersSessionEnds() throws Exception {
    try (Instance a = instance("http://10.0.0.1:8080")) {
      assertThat(a.next()).isEqualTo(ZkElection.Event.ELECTED);
      assertThat(a.election().elected()).isTrue();
      try (Instance standby = instance("http://10.0.0.2:8080")) {
        await().atMost(SOON).until(() -> standby.election().leaderUrl().equals(Optional.of("http://10.0.0.1:8080")));
        assertThat(standby.election().elected()).isFalse();
        assertThat(standby.election().fence().holds()).isFalse();
        await().atMost(SOON).until(() -> a.election().fence().holds()); // its lease confirmed

        ZkSessions.expire(a.election().client(), zk.getConnectString());

        assertThat(standby.next()).isEqualTo(ZkElection.Event.ELECTED);
        assertThat(standby.election().leaderUrl()).contains("http://10.0.0.2:8080");
        assertThat(a.events()).doesNotContain(ZkElection.Event.ELECTED);
        await().atMost(SOON).until(() -> a.events().contains(ZkElection.Event.SESSION_LOST));
        assertThat(a.election().fence().holds()).isFalse();
      }
    }
  }

  @Test
  void whenTheLeaderLeavesTheStandbyIsElectedAtOnce() throws Exception {
    Instance a = instance("http://10.0.0.1:8080");
    assertThat(a.next()).isEqualTo(ZkElection.Event.ELECTED);
    try (Instance standby = instance("http://10.0.0.2:8080")) {
      await().atMost(SOON).until(() -> standby.election().leaderUrl().isPresent());
      assertThat(standby.election().leaderUrl()).contains("http://10.0.0.1:8080");
      a.close();
      assertThat(standby.next()).isEqualTo(ZkElection.Event.ELECTED);
      assertThat(standby.election().leaderUrl()).contains("http://10.0.0.2:8080");
      assertThat(standby.election().statePath()).isEqualTo("/corral-services/state");
    }
  }
}
