package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.agent.RecoveryRefusedException;
import io.corral.agent.checkpoint.CheckpointStore;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.local.ProcessAgent;
import io.corral.master.core.MasterView;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskCheckpoint;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * An agent process killed with SIGKILL while its executors run, then started again on the same
 * work dir: it recovers its checkpoint, its executors reconnect, and every task goes on.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AgentRestartIT {
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:32");
  private static final Resources AGENT = Resources.parse("cpus:2;mem:1024;disk:1024;ports:[31000-31009]");
  private static final Duration WAIT = Duration.ofSeconds(45);

  @Test
  void aKilledAgentRestartsOnItsCheckpointAndItsTasksCarryOn(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    Path go = dir.resolve("go");
    try (LocalCluster cluster = LocalCluster.builder(dir).mode(LocalCluster.Mode.PROCESSES).agentResources(AGENT)
        .masterConfig(m -> m.allocationInterval(Duration.ofMillis(200)))
        .agentArgs(List.of("--recovery-timeout", "60s", "--executor-reregistration-timeout", "15s"))
        .start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("restart").build(), cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      String agentId = offer.getAgentId();
      String waitForGo = "until [ -e " + go + " ]; do sleep 0.1; done";
      ExecutorInfo echo1 = TaskInfos.executor("echo-1", EchoExecutor.command(), Resources.parse("cpus:0.1;mem:64"));
      ExecutorInfo echo2 = TaskInfos.executor("echo-2", EchoExecutor.command(), Resources.parse("cpus:0.1;mem:64"));
      driver.launchTasks(List.of(offer.getId()), List.of(
          TaskInfos.command("c1", offer, TASK, TaskInfos.shell("echo $$ > " + dir.resolve("c1.pid") + "; " + waitForGo)),
          TaskInfos.command("c2", offer, TASK, TaskInfos.shell(waitForGo)),
          TaskInfos.command("c3", offer, TASK, TaskInfos.shell("echo $$ > " + dir.resolve("c3.pid") + "; exec sleep 1000")),
          echoTask("e1", offer, echo1),
          echoTask("e2", offer, echo2)));
      for (String t : List.of("c1", "c2", "c3", "e1", "e2")) {
        s.awaitState(t, TaskState.TASK_RUNNING, WAIT);
      }
      ProcessHandle c1 = pidFromFile(dir.resolve("c1.pid"));
      ProcessHandle c3 = pidFromFile(dir.resolve("c3.pid"));
      ProcessHandle e1 = pidFromMessage(s.latest("e1", TaskState.TASK_RUNNING).orElseThrow());
      ProcessHandle e2 = pidFromMessage(s.latest("e2", TaskState.TASK_RUNNING).orElseThrow());
      Path agentDir = dir.resolve("agent-0");
      // Every update acknowledged (so a resend after the restart would show up as a duplicate).
      await().atMost(WAIT).until(() -> unacknowledged(agentDir) == 0 && taskFiles(agentDir) == 5);

      cluster.agents().get(0).kill(); // SIGKILL: executors and tasks are orphaned, not killed
      assertThat(List.of(c1, c3, e1, e2)).allMatch(ProcessHandle::isAlive);
      // While the agent is down: a task's process dies (its executor notices and keeps the update
      // until it reaches the agent again), and a whole executor dies.
      c3.destroyForcibly();
      e2.destroyForcibly();
      await().atMost(WAIT).until(() -> isGone(c3) && isGone(e2));

      // A restart with other resources is refused, with a clear message, and touches nothing.
      Map<String, String> meta = snapshot(agentDir.resolve("meta"));
      ProcessAgent refused = cluster.restartAgent(0, Resources.parse("cpus:3;mem:1024;disk:1024;ports:[31000-31009]"));
      assertThat(refused.awaitExit(WAIT)).isEqualTo(RecoveryRefusedException.EXIT_CODE);
      String log = Files.readString(refused.log());
      assertThat(log).contains("cannot recover agent " + agentId).contains("cpus:3").contains("cpus:2")
          .contains(agentDir.resolve("meta").toString()).contains("--recover=cleanup");
      assertThat(snapshot(agentDir.resolve("meta"))).isEqualTo(meta);
      assertThat(List.of(c1, e1)).allMatch(ProcessHandle::isAlive);

      // The real restart: same id, same tasks; the dead ones fail with a reason.
      cluster.restartAgent(0);
      await().atMost(WAIT).until(() -> agentStatus(cluster, agentId).equals("ACTIVE")
          && agentId.equals(cluster.agents().get(0).agentId()) && logCount(refused.log(), agentId) >= 2);
      TaskStatus c3Failed = s.awaitState("c3", TaskState.TASK_FAILED, WAIT);
      assertThat(c3Failed.getReason()).isEqualTo(TaskStatusReason.REASON_COMMAND_EXITED);
      assertThat(c3Failed.getMessage()).contains("signal 9");
      TaskStatus e2Failed = s.awaitState("e2", TaskState.TASK_FAILED, WAIT);
      assertThat(e2Failed.getReason()).isEqualTo(TaskStatusReason.REASON_EXECUTOR_TERMINATED);
      assertThat(e2Failed.getMessage()).contains("exited while the agent was down");
      assertThat((int) cluster.query(v -> v.agents().size())).isEqualTo(1);
      assertThat(List.of(c1, e1)).allMatch(ProcessHandle::isAlive);

      // The live tasks were never reported lost or failed, and now finish normally.
      Files.createFile(go);
      s.awaitState("c1", TaskState.TASK_FINISHED, WAIT);
      s.awaitState("c2", TaskState.TASK_FINISHED, WAIT);
      driver.killTask("e1"); // reaches the executor through its new stream to the agent
      s.awaitState("e1", TaskState.TASK_KILLED, WAIT);
      await().atMost(WAIT).until(() -> unacknowledged(agentDir) == 0);
      List<TaskState> commandTask = List.of(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
      assertThat(s.statesOf("c1")).isEqualTo(commandTask);
      assertThat(s.statesOf("c2")).isEqualTo(commandTask);
      assertThat(s.statesOf("c3"))
          .isEqualTo(List.of(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FAILED));
      assertThat(s.statesOf("e1")).isEqualTo(List.of(TaskState.TASK_RUNNING, TaskState.TASK_KILLED));
      assertThat(s.statesOf("e2")).isEqualTo(List.of(TaskState.TASK_RUNNING, TaskState.TASK_FAILED));
      assertThat(s.lostAgents).isEmpty();
      driver.stop();
      driver.join();
    }
  }

  private static TaskInfo echoTask(String id, Offer offer, ExecutorInfo executor) {
    return TaskInfos.forExecutor(id, offer, TASK, executor, "run".getBytes(StandardCharsets.UTF_8));
  }

  private static String agentStatus(LocalCluster cluster, String agentId) {
    return cluster.query(v -> v.agents().stream().filter(a -> a.id().equals(agentId))
        .map(MasterView.AgentSummary::status).findFirst().orElse("NONE"));
  }

  private static long logCount(Path log, String agentId) throws IOException {
    String text = Files.readString(log);
    return text.lines().filter(l -> l.startsWith("agent: " + agentId + " registered with")).count();
  }

  private static ProcessHandle pidFromFile(Path file) {
    await().atMost(WAIT).until(() -> Files.exists(file) && !Files.readString(file).isBlank());
    try {
      return ProcessHandle.of(Long.parseLong(Files.readString(file).trim())).orElseThrow();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** EchoExecutor reports "pid <n>" of its process. */
  private static ProcessHandle pidFromMessage(TaskStatus running) {
    return ProcessHandle.of(Long.parseLong(running.getMessage().replace("pid ", "").trim())).orElseThrow();
  }

  /** Dead, or a zombie nobody reaps yet (orphans belong to init). */
  static boolean isGone(ProcessHandle p) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }

  private static long unacknowledged(Path agentDir) {
    return tasks(agentDir).stream().mapToLong(TaskCheckpoint::getUnacknowledgedCount).sum();
  }

  private static long taskFiles(Path agentDir) {
    return tasks(agentDir).size();
  }

  private static List<TaskCheckpoint> tasks(Path agentDir) {
    return CheckpointStore.under(agentDir).read().map(st -> st.tasks()).orElse(List.of());
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Every file under meta/ with a digest of its bytes. */
  private static Map<String, String> snapshot(Path meta) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(meta)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        out.put(meta.relativize(p).toString(), java.util.Base64.getEncoder().encodeToString(
            sha256(Files.readAllBytes(p))));
      }
    }
    return out;
  }
}
