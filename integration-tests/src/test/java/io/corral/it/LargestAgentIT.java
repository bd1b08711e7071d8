package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.agent.Agent;
import io.corral.agent.AgentConfig;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.examples.shell.ShellFramework;
import io.corral.local.LocalCluster;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.LargestAgent;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * A framework learns how big the cluster's agents are (per resource, the most any one agent has)
 * when it subscribes and as agents join, so a request no agent could ever hold fails at once
 * instead of waiting for offers that never come; a launch of such a task is refused with that
 * reason.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LargestAgentIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void frameworksHearTheLargestAgentAndWhatNoAgentFitsFailsAtOnce(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:1;mem:512;ports:[31000-31009]").start()) {
      String master = cluster.masterAddress().toString();
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("sizer").build(),
          master);
      driver.start();
      s.awaitRegistered();
      await().atMost(WAIT).until(() -> !s.largestAgents.isEmpty());
      assertThat(s.largestAgents.get(0)).isEqualTo(new LargestAgent(Resources.parse("cpus:1;mem:512;ports:[31000-31009]")));

      // A second agent, with less cpu and more memory: the maxima are per resource.
      try (Agent more = new Agent(AgentConfig.builder(master, dir.resolve("agent-more")).port(0)
          .resources(Resources.parse("cpus:0.5;mem:2048;ports:[31010-31019]")).shutdownExecutorsOnExit(true).build())
          .start()) {
        more.awaitRegistered(60, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> s.largestAgents.size() >= 2);
        LargestAgent largest = s.largestAgents.get(1);
        assertThat(largest.resources()).isEqualTo(Resources.parse("cpus:1;mem:2048;ports:[31000-31019]"));

        // The master refuses a task that no agent could ever run, saying what the largest agent has.
        Offer offer = s.nextOffer();
        driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("huge", offer,
            Resources.parse("cpus:2;mem:64"), TaskInfos.shell("true"))));
        TaskStatus refused = s.awaitState("huge", TaskState.TASK_ERROR);
        assertThat(refused.getReason()).isEqualTo(TaskStatusReason.REASON_EXCEEDS_LARGEST_AGENT);
        assertThat(refused.getMessage()).isEqualTo("no agent of the cluster can ever run this task: it needs"
            + " cpus:2;mem:64 and the largest agent has cpus:1;mem:2048;ports:[31000-31019]");

        // The example framework gives up at once on tasks no agent could hold.
        ShellFramework tooBig = new ShellFramework(TaskInfos.shell("true"), 3, 1, 4096, 0);
        CorralSchedulerDriver d2 = new CorralSchedulerDriver(tooBig, FrameworkInfo.newBuilder().setName("too-big")
            .build(), master);
        d2.start();
        try {
          tooBig.outcome().get(WAIT.toSeconds(), TimeUnit.SECONDS);
          throw new AssertionError("the run should have failed");
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(ShellFramework.TooLarge.class).hasMessage("no agent can ever run a"
              + " task of cpus:1;mem:4096: the largest agent has cpus:1;mem:2048;ports:[31000-31019]");
        } finally {
          d2.stop();
          d2.join();
        }
      }
      driver.stop();
      driver.join();
    }
  }
}
