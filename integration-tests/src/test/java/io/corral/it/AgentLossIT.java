package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalAgent;
import io.corral.local.LocalCluster;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** An agent daemon killed with SIGKILL: the master notices, and its executors wind down alone. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AgentLossIT {

  @Test
  void aKilledAgentIsDetectedLostAndItsExecutorsExitAfterTheRecoveryTimeout(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    Path pid = dir.resolve("task.pid");
    Duration recovery = Duration.ofSeconds(8);
    try (LocalCluster cluster = LocalCluster.builder(dir).agents(2).mode(LocalCluster.Mode.PROCESSES)
        .agentResources(Resources.parse("cpus:1;mem:512"))
        .masterConfig(m -> m.agentPingTimeout(Duration.ofSeconds(1)).maxAgentPingTimeouts(3))
        .agentArgs(List.of("--recovery-timeout", recovery.toSeconds() + "s"))
        .start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("loss").build(), cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("victim", offer,
          Resources.parse("cpus:0.5;mem:64"), TaskInfos.shell("echo $$ > " + pid + "; exec sleep 1000"))));
      s.awaitState("victim", TaskState.TASK_RUNNING);
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pid) && !Files.readString(pid).isBlank());
      ProcessHandle task = ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).orElseThrow();

      LocalAgent host = cluster.agents().stream().filter(a -> offer.getAgentId().equals(a.agentId()))
          .findFirst().orElseThrow();
      long killedAt = System.nanoTime();
      host.kill(); // SIGKILL: no goodbye to the master, executors orphaned

      TaskStatus lost = s.awaitState("victim", TaskState.TASK_UNREACHABLE, Duration.ofSeconds(30));
      assertThat(lost.getReason()).isEqualTo(TaskStatusReason.REASON_AGENT_UNREACHABLE);
      assertThat(lost.getAgentId()).isEqualTo(offer.getAgentId());
      await().atMost(Duration.ofSeconds(10)).until(() -> s.lostAgents.contains(offer.getAgentId()));
      double detectedAfter = (System.nanoTime() - killedAt) / 1e9;
      assertThat(detectedAfter).isLessThan(recovery.toSeconds());
      String status = cluster.query(v -> v.agents().stream()
          .filter(a -> a.id().equals(offer.getAgentId())).findFirst().orElseThrow().status());
      assertThat(status).isEqualTo("UNREACHABLE");

      // The task outlives its agent for the recovery timeout, then its executor ends it.
      assertThat(task.isAlive()).isTrue();
      await().atMost(recovery.plusSeconds(20)).until(() -> !task.isAlive());
      assertThat((System.nanoTime() - killedAt) / 1e9).isGreaterThan(recovery.toSeconds() - 1);

      // The surviving agent still serves the framework.
      Offer other = s.nextOffer(o -> !o.getAgentId().equals(offer.getAgentId()));
      driver.launchTasks(List.of(other.getId()), List.of(TaskInfos.command("after", other,
          Resources.parse("cpus:0.1;mem:32"), TaskInfos.shell("true"))));
      s.awaitState("after", TaskState.TASK_FINISHED);
      driver.stop();
      driver.join();
    }
  }
}
