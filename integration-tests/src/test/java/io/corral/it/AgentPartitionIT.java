package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.local.ProcessAgent;
import io.corral.master.core.MasterView;
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

/**
 * An agent process frozen with SIGSTOP (a partition): the master marks it unreachable; when it
 * comes back it either re-registers and its tasks return to RUNNING, or, once removed for good
 * (gone timeout), it is told to shut down, kills its tasks and registers as a new agent.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AgentPartitionIT {
  private static final Duration WAIT = Duration.ofSeconds(45);

  private static LocalCluster.Builder cluster(Path dir, Duration goneTimeout) {
    return LocalCluster.builder(dir).mode(LocalCluster.Mode.PROCESSES)
        .agentResources(Resources.parse("cpus:1;mem:512;disk:512;ports:[31000-31009]"))
        .masterConfig(m -> m.agentPingTimeout(Duration.ofMillis(500)).maxAgentPingTimeouts(5)
            .allocationInterval(Duration.ofMillis(200)).agentGoneTimeout(goneTimeout));
  }

  private static ProcessHandle startTask(RecordingScheduler s, CorralSchedulerDriver driver, Path dir)
      throws Exception {
    Offer offer = s.nextOffer();
    Path pid = dir.resolve("task.pid");
    driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("t", offer, Resources.parse("cpus:0.1;mem:32"),
        TaskInfos.shell("echo $$ > " + pid + "; exec sleep 1000"))));
    s.awaitState("t", TaskState.TASK_RUNNING, WAIT);
    await().atMost(WAIT).until(() -> Files.exists(pid) && !Files.readString(pid).isBlank());
    return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).orElseThrow();
  }

  private static String status(LocalCluster cluster, String agentId) {
    return cluster.query(v -> v.agents().stream().filter(a -> a.id().equals(agentId))
        .map(MasterView.AgentSummary::status).findFirst().orElse("NONE"));
  }

  @Test
  void aFrozenAgentIsUnreachableThenReregistersAndItsTaskIsRunningAgain(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = cluster(dir, Duration.ZERO).start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("partition").build(), cluster.masterAddress().toString());
      driver.start();
      ProcessHandle task = startTask(s, driver, dir);
      ProcessAgent agent = cluster.processAgent(0);
      String agentId = agent.agentId();

      agent.signal("STOP");
      try {
        TaskStatus unreachable = s.awaitState("t", TaskState.TASK_UNREACHABLE, WAIT);
        assertThat(unreachable.getReason()).isEqualTo(TaskStatusReason.REASON_AGENT_UNREACHABLE);
        assertThat(status(cluster, agentId)).isEqualTo("UNREACHABLE");
      } finally {
        agent.signal("CONT");
      }
      await().atMost(WAIT).until(() -> status(cluster, agentId).equals("ACTIVE"));
      // Reconciled by the re-registration: the master reports the task running again.
      await().atMost(WAIT).until(() -> s.latest("t", TaskState.TASK_RUNNING).map(TaskStatus::getReason)
          .orElse(null) == TaskStatusReason.REASON_AGENT_REREGISTERED);
      List<TaskState> states = s.statesOf("t");
      assertThat(states.subList(states.size() - 3, states.size()))
          .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_UNREACHABLE, TaskState.TASK_RUNNING);
      assertThat(task.isAlive()).isTrue();
      assertThat(agent.agentId()).isEqualTo(agentId);
      driver.stop();
      driver.join();
    }
  }

  @Test
  void anAgentBackAfterTheGoneTimeoutKillsItsTasksAndRegistersAnew(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = cluster(dir, Duration.ofSeconds(2)).start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("gone").build(), cluster.masterAddress().toString());
      driver.start();
      ProcessHandle task = startTask(s, driver, dir);
      ProcessAgent agent = cluster.processAgent(0);
      String agentId = agent.agentId();

      agent.signal("STOP");
      try {
        s.awaitState("t", TaskState.TASK_UNREACHABLE, WAIT);
        TaskStatus gone = s.awaitState("t", TaskState.TASK_GONE, WAIT);
        assertThat(gone.getReason()).isEqualTo(TaskStatusReason.REASON_AGENT_REMOVED);
        assertThat(task.isAlive()).isTrue(); // nobody could tell it yet
      } finally {
        agent.signal("CONT");
      }
      // Told to shut down: the task dies, the agent registers under a new id and offers again.
      await().atMost(WAIT).until(() -> !task.isAlive());
      await().atMost(WAIT).until(() -> agent.agentId() != null && !agent.agentId().equals(agentId));
      String newId = agent.agentId();
      await().atMost(WAIT).until(() -> status(cluster, newId).equals("ACTIVE"));
      assertThat(status(cluster, agentId)).isEqualTo("NONE");
      Offer offer = s.nextOffer(o -> o.getAgentId().equals(newId));
      assertThat(offer.getResourcesList()).isNotEmpty();
      assertThat(Files.readString(agent.log())).contains("the master shut this agent (" + agentId + ") down");
      // Nothing after TASK_GONE: the agent dropped the task without reporting it. (Under load an
      // early missed ping may add an UNREACHABLE/back-to-live episode before; it does not matter here.)
      List<TaskState> states = s.statesOf("t");
      assertThat(states.subList(states.size() - 3, states.size()))
          .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_UNREACHABLE, TaskState.TASK_GONE);
      driver.stop();
      driver.join();
    }
  }
}
