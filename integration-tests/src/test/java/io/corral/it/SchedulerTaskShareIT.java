package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.testkit.Http;
import io.corral.common.resources.Resources;
import io.corral.common.task.TaskStates;
import io.corral.local.LocalCluster;
import io.corral.master.core.MasterView;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.TaskEntry;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * A burst of jobs cannot fill the pool with their application masters: twelve frameworks start at
 * once on a small pool, each launching its scheduler task first (as a Hadoop AM or a cluster-mode
 * Spark driver is) and its work once that runs. The scheduler tasks never hold more than
 * {@code --scheduler-task-share} of the cluster; those beyond it wait for a slot and try again, and
 * the pool keeps running work meanwhile. Real task processes.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SchedulerTaskShareIT {
  private static final int APPS = 12;
  private static final int WORK = 3;
  /** Four agents of cpus:1;mem:1024: a tenth is 0.4 cpus and 409.6 MiB, six of these (by memory). */
  private static final Resources SCHEDULER = Resources.parse("cpus:0.05;mem:64");
  private static final int SLOTS = 6;
  /** Beside its scheduler task (two of those fit an agent with their work). */
  private static final Resources WORK_TASK = Resources.parse("cpus:0.15;mem:64");

  @Test
  void twelveFrameworksLaunchingTheirSchedulerFirstStayWithinTheShareAndTheirWorkRuns(TestInfo info)
      throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 4, "cpus:1;mem:1024")
        .masterConfig(m -> m.agentPingTimeout(Duration.ofSeconds(1)).maxAgentPingTimeouts(5)
            .allocationInterval(Duration.ofMillis(200)).schedulerTaskShare(0.1))
        .start()) {
      String master = cluster.masterAddress().toString();
      List<App> apps = new ArrayList<>();
      List<CorralSchedulerDriver> drivers = new ArrayList<>();
      for (int i = 0; i < APPS; i++) {
        App app = new App();
        apps.add(app);
        drivers.add(new CorralSchedulerDriver(app, FrameworkInfo.newBuilder().setName("app-" + i).build(), master));
      }
      drivers.forEach(CorralSchedulerDriver::start);

      List<Sample> samples = new CopyOnWriteArrayList<>();
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
        samples.add(cluster.query(SchedulerTaskShareIT::sample));
        return apps.stream().allMatch(App::ended);
      });

      for (App app : apps) {
        assertThat(app.finished).as("work of an app").isEqualTo(WORK);
        assertThat(app.end.getState()).as("its scheduler task, ended by the app").isEqualTo(TaskState.TASK_KILLED);
      }
      double mostShare = samples.stream().mapToDouble(s -> s.schedulerTasks().share()).max().orElseThrow();
      int mostRunning = samples.stream().mapToInt(s -> s.schedulerTasks().running()).max().orElseThrow();
      assertThat(mostShare).as("the most the scheduler tasks held").isLessThanOrEqualTo(0.1 + 1e-9);
      assertThat(mostRunning).as("the most scheduler tasks running at once").isEqualTo(SLOTS);
      assertThat(samples.stream().anyMatch(s -> s.schedulerTasks().running() == SLOTS && s.workRunning() > 0))
          .as("work ran while the scheduler tasks held the share").isTrue();
      List<TaskStatus> drops = apps.stream().flatMap(a -> a.drops.stream()).toList();
      assertThat(drops).as("scheduler tasks that waited for a slot").isNotEmpty().allSatisfy(d -> {
        assertThat(d.getState()).isEqualTo(TaskState.TASK_DROPPED);
        assertThat(d.getMessage()).contains("--scheduler-task-share").contains("waits for a scheduler slot");
      });

      // Operators see the flag and the share.
      String http = cluster.master().httpUrl();
      JsonNode state = Http.json(http + "api/v1/state");
      assertThat(StreamSupport.stream(state.get("completed_tasks").spliterator(), false)
          .filter(t -> t.get("scheduler_task").asBoolean()).map(t -> t.get("id").asText()))
          .hasSize(APPS).containsOnly("scheduler");
      assertThat(state.get("cluster").get("scheduler_tasks").get("max_share").asDouble()).isEqualTo(0.1);
      assertThat(Http.get(http + "metrics").body()).contains("corral_scheduler_tasks_share ")
          .contains("corral_scheduler_tasks_max_share 0.1");

      drivers.forEach(CorralSchedulerDriver::stop);
      drivers.forEach(CorralSchedulerDriver::join);
    }
  }

  /** What the master holds at one moment: its scheduler tasks, and how many work tasks run. */
  private record Sample(MasterView.SchedulerTaskUsage schedulerTasks, int workRunning) {}

  private static Sample sample(MasterView v) {
    int work = 0;
    for (FrameworkEntry f : v.frameworkEntries()) {
      for (TaskEntry t : f.tasks().values()) {
        work += !t.schedulerTask() && t.state() == TaskState.TASK_RUNNING ? 1 : 0;
      }
    }
    return new Sample(v.schedulerTasks(), work);
  }

  /**
   * A framework as an application master makes one: its scheduler task first; once that runs, its
   * work, on the same agent (one command executor per app: fewer JVMs to start); once the work is done,
   * it ends its scheduler task. A launch dropped for the share is tried
   * again a second later; meanwhile it takes no offers (as the Hadoop and Spark bridges wait). Callbacks
   * come one at a time (the driver's contract).
   */
  private static final class App implements Scheduler {
    final List<TaskStatus> drops = new CopyOnWriteArrayList<>();
    /** Work tasks that finished (a set: an update may come twice, when its acknowledgement was late). */
    final java.util.Set<String> finishedTasks = java.util.concurrent.ConcurrentHashMap.newKeySet();
    volatile int finished;
    volatile TaskStatus end;
    private boolean launched;
    private boolean running;
    /** While waiting for a slot (System.nanoTime): no launch of the scheduler task before this. */
    private long retryAt = System.nanoTime();
    private int work;
    private String home;

    boolean ended() {
      return end != null;
    }

    @Override
    public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {
      for (Offer o : offers) {
        Resources left = Resources.fromProto(o.getResourcesList());
        List<TaskInfo> tasks = new ArrayList<>();
        if (!launched && System.nanoTime() - retryAt >= 0 && left.contains(SCHEDULER)) {
          tasks.add(TaskInfos.command("scheduler", o, SCHEDULER, TaskInfos.shell("exec sleep 600")).toBuilder()
              .setSchedulerTask(true).build());
          launched = true;
          home = o.getAgentId();
          left = left.minus(SCHEDULER);
        }
        while (running && work < WORK && o.getAgentId().equals(home) && left.contains(WORK_TASK)) {
          tasks.add(TaskInfos.command("work-" + work++, o, WORK_TASK, TaskInfos.shell("exec sleep 1")));
          left = left.minus(WORK_TASK);
        }
        if (tasks.isEmpty()) {
          driver.declineOffer(o.getId(), Filters.newBuilder().setRefuseSeconds(0.5).build());
        } else {
          driver.launchTasks(List.of(o.getId()), tasks, Filters.newBuilder().setRefuseSeconds(0).build());
        }
      }
    }

    @Override
    public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
      if (status.getTaskId().equals("scheduler")) {
        if (status.getReason() == TaskStatusReason.REASON_SCHEDULER_TASK_SHARE) {
          drops.add(status);
          launched = false;
          retryAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
          driver.suppressOffers();
          CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(driver::reviveOffers);
        } else if (status.getState() == TaskState.TASK_RUNNING) {
          running = true;
        } else if (TaskStates.isTerminal(status.getState())) {
          end = status;
        }
      } else if (status.getState() == TaskState.TASK_FINISHED) {
        if (finishedTasks.add(status.getTaskId()) && (finished = finishedTasks.size()) == WORK) {
          driver.killTask("scheduler");
        }
      } else if (TaskStates.isTerminal(status.getState()) && status.getState() != TaskState.TASK_FINISHED) {
        end = status; // a work task that did not finish: the app is over, and the test says so
      }
    }

    @Override
    public void error(SchedulerDriver driver, String message) {
      end = TaskStatus.newBuilder().setMessage(message).build();
    }
  }
}
