package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.common.task.TaskStates;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Preemption answered by decommissioning: a Spark application in role {@code a} fills the pool
 * (4 executors of 1 core on 2 agents of 2 cpus); mid-way through a shuffle's map stage, with an RDD
 * cached, role {@code b} gets a guarantee of 1 cpu and a framework that wants it. The master names one
 * executor in a notice; Spark decommissions it: it takes no more tasks, finishes the one it runs,
 * moves its shuffle output and cached blocks to the others and exits before the deadline, and b's
 * task runs in its place. The job's results are right, no task failed, and nothing cached was
 * computed twice.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PreemptionIT {
  /**
   * The master's default: longer than decommissioning takes here (the executor's 1 s checks, a few
   * migration passes), which ends the test's wait as soon as the executor leaves.
   */
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final int PARTITIONS = 400;
  private static final Resources B_TASK = Resources.parse("cpus:1;mem:64");
  private static final Pattern RESULT = Pattern.compile("TOTAL=(\\d+) AGAIN=(\\d+) COMPUTED=(\\d+) "
      + "SLOW_STAGE_SUCCEEDED=(\\d+) FAILED_TASKS=(\\d+) STATUS_FAILED_TASKS=(\\d+) RESUBMITTED=(\\d+)");

  private SparkApps apps;
  private CorralSchedulerDriver b;

  @AfterEach
  void stop() throws InterruptedException {
    if (b != null) {
      b.stop();
      b.join();
    }
    if (apps != null) {
      apps.close();
    }
  }

  @Test
  void executorsPreemptedMidStageAreDecommissionedAndTheJobLosesNothing() throws Exception {
    apps = SparkApps.startFor(Path.of(System.getProperty("corral.test.tmp", "target/it-tmp")).toAbsolutePath()
        .resolve("preemption-it"), 2, Resources.parse("cpus:2;mem:2048;disk:10000"), null,
        m -> m.httpPort(0).preemptionGrace(GRACE));
    Path release = apps.dir.resolve("release");
    Path log = apps.dir.resolve("preempted.log");
    Process driver = apps.submit(apps.submitUrl(), List.of("--conf", "spark.corral.role=a",
            "--conf", "spark.executor.instances=4", "--conf", "spark.executor.cores=1"),
        "io.corral.spark.apps.Preempted", apps.appJar(), List.of(release.toString(), Integer.toString(PARTITIONS)), log);
    Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> {
      assertThat(driver.isAlive()).as("the driver runs; see %s", log).isTrue();
      return Files.readString(log).contains("SLOW_STAGE_RUNNING");
    });
    String fw = SparkApps.frameworkId(log);

    quota("b", "{\"guarantee\": {\"cpus\": 1}}");
    Map<String, TaskStatus> bTasks = new ConcurrentHashMap<>();
    b = new CorralSchedulerDriver(new OneTask(bTasks), FrameworkInfo.newBuilder().setName("b").setRole("b").build(),
        apps.corral.masterAddress().toString());
    b.start();
    Awaitility.await().atMost(GRACE.plusSeconds(60)).until(() -> bTasks.values().stream()
        .anyMatch(s -> s.getState() == TaskState.TASK_RUNNING));
    List<Task> ended = apps.tasksSeen(fw).stream().filter(t -> TaskStates.isTerminal(t.getState())).toList();
    Files.createFile(release);

    assertThat(SparkApps.await(driver, log)).as("exit code; see %s", log).isZero();
    String out = Files.readString(log);
    assertThat(ended).as("one executor made room for b").hasSize(1);
    Task victim = ended.get(0);
    String id = victim.getTaskId().substring("executor-".length());
    assertThat(victim.getLatestStatus().getReason()).as("it left before the deadline: %s", victim.getLatestStatus())
        .isNotEqualTo(TaskStatusReason.REASON_PREEMPTED);
    assertThat(victim.getState()).as("a clean, requested exit: %s", victim.getLatestStatus())
        .isEqualTo(TaskState.TASK_FINISHED);
    assertThat(victim.getLatestStatus().getMessage()).isEqualTo("Finished decommissioning");
    assertThat(out).contains("the Corral master preempts executors " + id + " for role b: decommissioning them")
        .contains("executor " + id + " decommissioned (Corral task " + victim.getTaskId())
        .contains("EXECUTOR_REMOVED " + id + " Executor decommission: preempted by Corral for role b");
    assertThat(out.indexOf("EXECUTOR_REMOVED " + id)).as("preempted mid-stage")
        .isGreaterThan(out.indexOf("SLOW_STAGE_RUNNING")).isLessThan(out.indexOf("SLOW_STAGE_DONE"));

    Matcher m = RESULT.matcher(out);
    assertThat(m.find()).as("the application's result line; see %s", log).isTrue();
    long n = PARTITIONS * 10L;
    assertThat(m.group(1)).as("the shuffle's total").isEqualTo(Long.toString(n * (n + 1) / 2));
    assertThat(m.group(2)).as("the cache read again").isEqualTo(Long.toString(800L * 801 / 2));
    assertThat(m.group(3)).as("numbers computed for the cache: its blocks moved, none computed again")
        .isEqualTo("800");
    // A map output the executor moved may still be run again (Spark's check of where it went): no failure.
    assertThat(Integer.parseInt(m.group(4))).as("map tasks that succeeded")
        .isEqualTo(PARTITIONS + Integer.parseInt(m.group(7)));
    assertThat(m.group(5)).as("tasks that failed (listener)").isEqualTo("0");
    assertThat(m.group(6)).as("failed tasks (Spark's status tracker)").isEqualTo("0");
  }

  private void quota(String role, String json) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(apps.corral.master().httpUrl() + "api/v1/quota/" + role)).header("X-Corral-Request", "test")
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** Role b's framework: one long task of 1 cpu on the first offer that holds it. */
  private record OneTask(Map<String, TaskStatus> statuses) implements Scheduler {
    @Override
    public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
      for (Offer o : offers) {
        if (statuses.isEmpty() && Resources.fromProto(o.getResourcesList()).contains(B_TASK)) {
          statuses.put("b-1", TaskStatus.newBuilder().setTaskId("b-1").setState(TaskState.TASK_STAGING).build());
          d.launchTasks(List.of(o.getId()), List.of(TaskInfos.command("b-1", o, B_TASK, TaskInfos.shell("sleep 600"))),
              Filters.newBuilder().setRefuseSeconds(0).build());
        } else {
          d.declineOffer(o.getId(), Filters.newBuilder().setRefuseSeconds(1).build());
        }
      }
    }

    @Override
    public void statusUpdate(SchedulerDriver d, TaskStatus status) {
      statuses.put(status.getTaskId(), status);
    }
  }
}
