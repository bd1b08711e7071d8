package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** Frameworks with their own executors: shared by tasks, messages both ways, registration timeout. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CustomExecutorIT {
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:32");

  private static TaskInfo echoTask(String id, Offer offer, ExecutorInfo executor, String data) {
    return TaskInfos.forExecutor(id, offer, TASK, executor, data.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void tasksShareOneExecutorAndMessagesFlowBothWays(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:2;mem:1024").start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("echo").build(), cluster.masterAddress().toString());
      driver.start();
      ExecutorInfo executor = TaskInfos.executor("echo-1", EchoExecutor.command(), Resources.parse("cpus:0.1;mem:64"));
      Offer offer = s.nextOffer();
      driver.launchTasks(List.of(offer.getId()), List.of(echoTask("a", offer, executor, "run"),
          echoTask("b", offer, executor, "finish")));
      TaskStatus a = s.awaitState("a", TaskState.TASK_RUNNING);
      TaskStatus b = s.awaitState("b", TaskState.TASK_RUNNING);
      s.awaitState("b", TaskState.TASK_FINISHED);
      assertThat(a.getMessage()).isEqualTo(b.getMessage()); // same executor process
      assertThat(a.getExecutorId()).isEqualTo("echo-1");

      // A later task on the same agent goes to the running executor (offers list it).
      Offer next = s.nextOffer();
      assertThat(next.getExecutorIdsList()).containsExactly("echo-1");
      driver.launchTasks(List.of(next.getId()), List.of(echoTask("c", next, executor, "run")));
      assertThat(s.awaitState("c", TaskState.TASK_RUNNING).getMessage()).isEqualTo(a.getMessage());

      driver.sendFrameworkMessage("echo-1", offer.getAgentId(), "hello".getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(30)).until(() -> !s.messages.isEmpty());
      assertThat(new String(s.messages.get(0), StandardCharsets.UTF_8)).isEqualTo("echo:hello");

      // An executor with the same id but another command is refused while the first runs.
      Offer third = s.nextOffer();
      ExecutorInfo impostor = TaskInfos.executor("echo-1", "exec sleep 1000", Resources.EMPTY);
      driver.launchTasks(List.of(third.getId()), List.of(TaskInfos.forExecutor("d", third, TASK, impostor, new byte[0])));
      assertThat(s.awaitState("d", TaskState.TASK_ERROR).getMessage()).contains("different command");

      driver.killTask("a");
      s.awaitState("a", TaskState.TASK_KILLED);
      driver.stop();
      driver.join();
      // Teardown stops the executor, which reports its last task killed; the agent is empty.
      await().atMost(Duration.ofSeconds(30)).until(() ->
          cluster.inProcessAgent(0).liveExecutors().join() == 0);
    }
  }

  @Test
  void anExecutorThatNeverRegistersIsKilledAndItsTasksFail(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:2;mem:1024")
        .agentConfig(a -> a.executorRegistrationTimeout(Duration.ofSeconds(2))).start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("mute").build(), cluster.masterAddress().toString());
      driver.start();
      ExecutorInfo mute = TaskInfos.executor("mute", "echo $$ > " + dir.resolve("mute.pid") + "; exec sleep 1000",
          Resources.parse("cpus:0.1;mem:32"));
      Offer offer = s.nextOffer();
      driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.forExecutor("t", offer, TASK, mute, new byte[0])));
      TaskStatus failed = s.awaitState("t", TaskState.TASK_FAILED, Duration.ofSeconds(60));
      assertThat(failed.getReason()).isEqualTo(TaskStatusReason.REASON_EXECUTOR_REGISTRATION_TIMEOUT);
      assertThat(failed.getMessage()).contains("did not register");
      await().atMost(Duration.ofSeconds(30)).until(() -> s.lostExecutors.contains("mute"));
      long pid = Long.parseLong(java.nio.file.Files.readString(dir.resolve("mute.pid")).trim());
      await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
      // Its resources (task and executor) are free again.
      String agent = offer.getAgentId();
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.query(v -> v.agents().get(0).tasks() == 0));
      driver.stop();
      driver.join();
      await().atMost(Duration.ofSeconds(30)).until(() ->
          cluster.query(v -> v.freeOn(agent).equals(Resources.parse("cpus:2;mem:1024"))));
    }
  }
}
