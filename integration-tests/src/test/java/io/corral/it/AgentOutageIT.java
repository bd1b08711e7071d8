package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.master.core.MasterView;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * An agent killed with SIGKILL and started again (same port, same work dir) after an outage of 5,
 * 30 or 90 s, all within its executors' recovery timeout: every executor re-subscribes, the tasks
 * that finished while it was down are reported TASK_FINISHED once, and the live one carries on.
 * The three outages run side by side, each on a cluster of its own, to bound the test's time.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class AgentOutageIT {
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:32");
  private static final Resources AGENT = Resources.parse("cpus:2;mem:1024;disk:1024");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<TaskState> FINISHED = List.of(TaskState.TASK_FINISHED);

  @Test
  void executorsComeBackAndFinishedTasksAreReportedAfterOutagesOf5And30And90Seconds(TestInfo info)
      throws Exception {
    Path dir = TestClusters.dir(info);
    ExecutorService cases = Executors.newFixedThreadPool(3);
    try {
      List<CompletableFuture<Void>> runs = new ArrayList<>();
      for (int seconds : List.of(5, 30, 90)) {
        runs.add(CompletableFuture.runAsync(() -> {
          try {
            outage(dir.resolve(seconds + "s"), Duration.ofSeconds(seconds));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, cases));
      }
      AssertionError failed = null;
      for (int i = 0; i < runs.size(); i++) {
        try {
          runs.get(i).join();
        } catch (java.util.concurrent.CompletionException e) {
          AssertionError one = new AssertionError("outage case " + i + ": " + e.getCause(), e.getCause());
          if (failed == null) {
            failed = one;
          } else {
            failed.addSuppressed(one);
          }
        }
      }
      if (failed != null) {
        throw failed;
      }
    } finally {
      cases.shutdownNow();
    }
  }

  /**
   * Framework A runs a task that lives through the outage and one that finishes during it;
   * framework B's command executor has one task, which finishes during the outage.
   */
  private static void outage(Path dir, Duration outage) throws Exception {
    Files.createDirectories(dir);
    Path finish = dir.resolve("finish");
    Path go = dir.resolve("go");
    try (LocalCluster cluster = LocalCluster.builder(dir).mode(LocalCluster.Mode.PROCESSES).agentResources(AGENT)
        .masterConfig(m -> m.allocationInterval(Duration.ofMillis(200))).start()) {
      RecordingScheduler a = new RecordingScheduler();
      RecordingScheduler b = new RecordingScheduler();
      CorralSchedulerDriver driverA = new CorralSchedulerDriver(a, FrameworkInfo.newBuilder().setName("a").build(),
          cluster.masterAddress().toString());
      CorralSchedulerDriver driverB = new CorralSchedulerDriver(b, FrameworkInfo.newBuilder().setName("b").build(),
          cluster.masterAddress().toString());
      try {
        driverA.start();
        Offer offer = a.nextOffer();
        String agentId = offer.getAgentId();
        driverA.launchTasks(List.of(offer.getId()), List.of(
            TaskInfos.command("a-live", offer, TASK, TaskInfos.shell(printUntil(go, dir.resolve("a-live.pid")))),
            TaskInfos.command("a-early", offer, TASK, TaskInfos.shell(printUntil(finish, dir.resolve("a-early.pid"))))));
        driverB.start();
        Offer offerB = b.nextOffer();
        driverB.launchTasks(List.of(offerB.getId()), List.of(
            TaskInfos.command("b-early", offerB, TASK, TaskInfos.shell(printUntil(finish, dir.resolve("b-early.pid"))))));
        a.awaitState("a-live", TaskState.TASK_RUNNING, WAIT);
        a.awaitState("a-early", TaskState.TASK_RUNNING, WAIT);
        b.awaitState("b-early", TaskState.TASK_RUNNING, WAIT);
        ProcessHandle aEarly = pid(dir.resolve("a-early.pid"));
        ProcessHandle bEarly = pid(dir.resolve("b-early.pid"));
        ProcessHandle aLive = pid(dir.resolve("a-live.pid"));

        cluster.agents().get(0).kill(); // SIGKILL: the executors and their tasks go on without it
        long down = System.nanoTime();
        Files.createFile(finish);
        await().atMost(WAIT).until(() -> AgentRestartIT.isGone(aEarly) && AgentRestartIT.isGone(bEarly));
        // The outage itself is what is tested: its length is the input, not a wait for something.
        long left = outage.toNanos() - (System.nanoTime() - down);
        if (left > 0) {
          TimeUnit.NANOSECONDS.sleep(left);
        }
        assertThat(aLive.isAlive()).isTrue();

        cluster.restartAgent(0);
        await().atMost(WAIT).until(() -> agentStatus(cluster, agentId).equals("ACTIVE"));
        assertEnded(a, "a-early", outage);
        assertEnded(b, "b-early", outage);
        assertThat(aLive.isAlive()).as("the live task, through the outage of " + outage).isTrue();
        assertThat(terminal(a, "a-live")).isEmpty();
        Files.createFile(go);
        assertEnded(a, "a-live", outage);
      } finally {
        driverA.stop();
        driverB.stop();
      }
    }
  }

  /** Prints a line every 0.2 s until {@code file} exists, then exits 0; its shell's pid goes to {@code pidFile}. */
  private static String printUntil(Path file, Path pidFile) {
    return "echo $$ > " + pidFile + "; until [ -e " + file + " ]; do echo tick; sleep 0.2; done";
  }

  /** The task's end is reported, once, as TASK_FINISHED. */
  private static void assertEnded(RecordingScheduler s, String task, Duration outage) {
    await().atMost(WAIT).until(() -> !terminal(s, task).isEmpty());
    assertThat(terminal(s, task)).as("%s's terminal updates after an outage of %s: %s", task, outage,
        s.statuses.stream().filter(u -> u.getTaskId().equals(task)).map(u -> u.getState() + " " + u.getMessage())
            .toList()).isEqualTo(FINISHED);
  }

  private static List<TaskState> terminal(RecordingScheduler s, String task) {
    return s.statesOf(task).stream().filter(io.corral.common.task.TaskStates::isTerminal).toList();
  }

  private static ProcessHandle pid(Path file) {
    await().atMost(WAIT).until(() -> Files.exists(file) && !Files.readString(file).isBlank());
    try {
      return ProcessHandle.of(Long.parseLong(Files.readString(file).trim())).orElseThrow();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String agentStatus(LocalCluster cluster, String agentId) {
    return cluster.query(v -> v.agents().stream().filter(x -> x.id().equals(agentId))
        .map(MasterView.AgentSummary::status).findFirst().orElse("NONE"));
  }
}
