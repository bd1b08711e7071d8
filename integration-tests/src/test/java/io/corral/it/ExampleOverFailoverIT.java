package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** {@code corral example shell --master zk://...} survives a SIGKILL of the leading master mid-run. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExampleOverFailoverIT {
  @Test
  void theExampleFollowsTheNewLeaderAndFinishesEveryTask(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    int n = 4;
    try (HaCluster c = HaCluster.start(dir, 2, 1, List.of("--agent-reregister-timeout", "60s"), List.of())) {
      HaCluster.MasterProcess leader = c.awaitLeader(HaCluster.START);
      // The default failover timeout (0): the tasks must survive the master's failover nonetheless.
      try (CorralProcess example = CorralProcess.start(dir.resolve("example.log"), "example", "shell", "--master",
          c.zkUrl, "--tasks", Integer.toString(n), "--verbose", "--", "sleep 6")) {
        for (int i = 0; i < n; i++) {
          example.awaitLine("update: task-" + i + " RUNNING", HaCluster.START);
        }
        leader.process().kill();
        HaCluster.MasterProcess next = c.awaitLeaderOtherThan(leader, Duration.ofSeconds(60));
        assertThat(next.index()).isNotEqualTo(leader.index());

        assertThat(example.awaitExit(Duration.ofSeconds(90))).isZero();
        assertThat(example.stdout()).contains("finished: " + n + "/" + n);
        for (int i = 0; i < n; i++) {
          assertThat(example.stdout()).contains("update: task-" + i + " FINISHED");
        }
        assertThat(example.stdout()).noneMatch(l -> l.matches("update: task-\\d+\\.\\d+ .*"));
      }
    }
  }
}
