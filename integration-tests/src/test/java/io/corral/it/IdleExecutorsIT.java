package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** Executors left with nothing to do end: a command executor idles out even if no task ever reached it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IdleExecutorsIT {
  private static final Duration IDLE = Duration.ofSeconds(2);

  @Test
  void aCommandExecutorWhoseOnlyTaskFailedAtFetchIdlesOut(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:2;mem:1024")
        .agentConfig(a -> a.statusUpdateRetry(Duration.ofMillis(500), Duration.ofSeconds(5))
            .commandExecutorIdleTimeout(IDLE).executorRegistrationTimeout(Duration.ofSeconds(60)))
        .start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("idle").build(), cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      String missing = dir.resolve("no-such-file").toUri().toString();
      driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("fetch-fails", offer,
          Resources.parse("cpus:0.1;mem:32"), TaskInfos.shell("true", List.of(missing)))));

      TaskStatus failed = s.awaitState("fetch-fails", TaskState.TASK_FAILED);
      assertThat(failed.getReason()).isEqualTo(TaskStatusReason.REASON_FETCH_FAILED);
      // Its command executor was started for it (and connects, with nothing to run): it goes after
      // the idle timeout, well before the registration timeout (60 s) would end it.
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.inProcessAgent(0).liveExecutors().join() == 0);
      driver.stop();
      driver.join();
    }
  }
}
