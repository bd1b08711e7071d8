package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.agent.Agent;
import io.corral.agent.AgentConfig;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.master.Master;
import io.corral.master.MasterConfig;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** Agents and schedulers find the master through ZooKeeper, and find the next one when it changes. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ZooKeeperLookupIT {

  private static Master master(String zk, Path dir) throws Exception {
    return new Master(MasterConfig.builder().port(0).zk(zk).workDir(dir)
        .agentPingTimeout(Duration.ofMillis(500)).maxAgentPingTimeouts(5).build()).start();
  }

  @Test
  void clientsFollowTheLeaderFoundInZooKeeper(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (TestingServer zkServer = new TestingServer(true)) {
      String zk = "zk://" + zkServer.getConnectString() + "/corral-it";
      Master first = master(zk, dir.resolve("master-1"));
      Agent agent = new Agent(AgentConfig.builder(zk, dir.resolve("agent")).port(0)
          .resources(Resources.parse("cpus:1;mem:512")).shutdownExecutorsOnExit(true).build()).start();
      Master second = null;
      CorralSchedulerDriver driver = null;
      try {
        assertThat(agent.awaitRegistered(60, TimeUnit.SECONDS)).endsWith("registered with " + first.address());
        RecordingScheduler s = new RecordingScheduler();
        driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("zk-user").build(), zk);
        driver.start();
        Offer offer = s.nextOffer();
        driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("survivor", offer,
            Resources.parse("cpus:0.1;mem:32"), TaskInfos.shell("exec sleep 1000"))));
        s.awaitState("survivor", TaskState.TASK_RUNNING);

        first.close(); // leaves the election; a new master takes over at another address
        second = master(zk, dir.resolve("master-2"));
        Master next = second;
        assertThat(next.address()).isNotEqualTo(first.address());

        // The agent re-registers with the new leader, bringing its task; the scheduler re-subscribes.
        await().atMost(Duration.ofSeconds(60)).until(() -> next.query(v -> v.agents().size()).join() == 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> s.registrations.contains("reregistered"));
        int mark = s.statuses.size();
        driver.reconcileTasks(List.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> s.statuses.size() > mark);
        TaskStatus reconciled = s.statuses.get(mark);
        assertThat(reconciled.getTaskId()).isEqualTo("survivor");
        assertThat(reconciled.getState()).isEqualTo(TaskState.TASK_RUNNING);

        // And the new leader runs new work.
        Offer fresh = s.nextOffer(o -> true);
        driver.launchTasks(List.of(fresh.getId()), List.of(TaskInfos.command("fresh", fresh,
            Resources.parse("cpus:0.1;mem:32"), TaskInfos.shell("true"))));
        s.awaitState("fresh", TaskState.TASK_FINISHED);
      } finally {
        if (driver != null) {
          driver.stop();
          driver.join();
        }
        agent.close();
        first.close();
        if (second != null) {
          second.close();
        }
      }
    }
  }
}
