package io.corral.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.testkit.RoleQuotas;
import io.corral.bridges.testkit.UrgentFramework;
import io.corral.common.resources.Resources;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MapReduce answers preemption as on YARN: two jobs, each in a role limited to 4 cpus (its AM and 3
 * maps, which fill the pool of 8 between them), hold their maps' first attempts until the test lets
 * them go; a framework of a role with a guarantee of 2 cpus arrives, and the master names one map of
 * each job (the roles are equally over their guarantee of none). The job on the bridge's default
 * policy (KillAMPreemptionPolicy) kills its attempt at the notice; the job on YARN's default
 * (NoopAMPreemptionPolicy) leaves it to be killed at the deadline ({@code REASON_PREEMPTED}). Both
 * attempts end KILLED and run again; with {@code mapreduce.map.maxattempts=1} both jobs still
 * succeed, with exact output and no failed map.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@ExtendWith(SharedHadoop.class)
class PreemptionIT {
  private static final String NOOP_POLICY = "org.apache.hadoop.mapreduce.v2.app.rm.preemption.NoopAMPreemptionPolicy";
  private static final Resources URGENT_TASK = Resources.parse("cpus:1;mem:32");
  private static HadoopJobs jobs;

  @BeforeAll
  static void cluster(HadoopJobs shared) {
    jobs = shared;
  }

  /** A job of the test jar's "slow" word count whose maps' first attempts wait for the release file. */
  private record HeldJob(String role, Path log, Process client, Map<String, Integer> expected, String out) {
    static HeldJob start(String role, List<String> extra) throws Exception {
      String base = "/preempt/" + role;
      Map<String, Integer> expected = Texts.writeWords(jobs.fs(), base + "/in", 3, 20, 12);
      List<String> options = new ArrayList<>(List.of("-Dcorral.role=" + role, "-Dcorral.test.line.millis=0",
          "-Dcorral.test.release=/preempt/release", "-Dmapreduce.map.maxattempts=1", "-Dmapreduce.job.reduces=1",
          "-Dmapreduce.job.reduce.slowstart.completedmaps=1.0"));
      options.addAll(extra);
      Path log = jobs.dir.resolve("preempt-" + role + ".log");
      Process client = jobs.start(jobs.testJobsJar(), "slow", options, List.of(base + "/in", base + "/out"), log);
      return new HeldJob(role, log, client, expected, base + "/out");
    }
  }

  @Test
  void preemptedAttemptsEndKilledRunAgainAndSpendNoAttempt() throws Exception {
    String http = jobs.corral.master().httpUrl();
    FileSystem fs = jobs.fs();
    fs.delete(new org.apache.hadoop.fs.Path("/preempt"), true);
    List<String> quotas = List.of("etl-kill", "etl-noop", "urgent");
    HeldJob kill = null;
    HeldJob noop = null;
    UrgentFramework urgent = null;
    try {
      assertThat(RoleQuotas.put(http, "etl-kill", "{\"limit\": {\"cpus\": 4}}")).isEqualTo(200);
      assertThat(RoleQuotas.put(http, "etl-noop", "{\"limit\": {\"cpus\": 4}}")).isEqualTo(200);
      kill = HeldJob.start("etl-kill", List.of());
      noop = HeldJob.start("etl-noop", List.of("-Dyarn.app.mapreduce.am.preemption.policy=" + NOOP_POLICY));
      HeldJob k = kill;
      HeldJob n = noop;
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
          .until(() -> runningMaps("etl-kill") == 3 && runningMaps("etl-noop") == 3
              || !k.client().isAlive() || !n.client().isAlive());
      assertThat(k.client().isAlive()).as("the job in etl-kill runs; see %s", k.log()).isTrue();
      assertThat(n.client().isAlive()).as("the job in etl-noop runs; see %s", n.log()).isTrue();

      assertThat(RoleQuotas.put(http, "urgent", "{\"guarantee\": {\"cpus\": 2}}")).isEqualTo(200);
      urgent = UrgentFramework.start(jobs.corral.masterAddress().toString(), "urgent", URGENT_TASK, 2);
      UrgentFramework u = urgent;
      // Remembered while the jobs' frameworks are there to ask.
      Map<String, Task> tasksOfNoop = new ConcurrentHashMap<>();
      await().atMost(HadoopJobs.PREEMPTION_GRACE.plusSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
        tasksOfRole("etl-noop").forEach(t -> tasksOfNoop.put(t.getTaskId(), t));
        return u.running() == 2;
      });
      assertThat(runningMaps("etl-kill")).as("etl-kill lost one map").isEqualTo(2);
      assertThat(runningMaps("etl-noop")).as("etl-noop lost one map").isEqualTo(2);

      fs.create(new org.apache.hadoop.fs.Path("/preempt/release")).close();
      urgent.close();
      urgent = null;
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() -> {
        tasksOfRole("etl-noop").forEach(t -> tasksOfNoop.put(t.getTaskId(), t));
        return !k.client().isAlive() && !n.client().isAlive();
      });

      for (HeldJob job : List.of(kill, noop)) {
        assertThat(HadoopJobs.await(job.client(), job.log())).as("exit code; see %s", job.log()).isZero();
        String out = Files.readString(job.log());
        assertThat(out).as(job.log().toString()).contains("completed successfully").contains("Killed map tasks=1")
            .doesNotContain("Failed map tasks");
        assertThat(Texts.counts(Texts.parts(fs, job.out() + "/part-r-*"))).isEqualTo(job.expected());
      }
      assertThat(Files.readString(kill.log())).as("KillAMPreemptionPolicy was handed the notice")
          .contains("Tasks that have been asked to preempt=1");
      assertThat(Files.readString(noop.log())).doesNotContain("Tasks that have been asked to preempt");
      assertThat(tasksOfNoop.values()).as("etl-noop's map killed at the deadline")
          .filteredOn(t -> t.getLatestStatus().getReason() == TaskStatusReason.REASON_PREEMPTED).singleElement()
          .matches(t -> t.getName().contains("_m_") && t.getState() == TaskState.TASK_KILLED, "a map, killed");
    } finally {
      if (urgent != null) {
        urgent.close();
      }
      for (HeldJob job : new HeldJob[] {kill, noop}) {
        if (job != null) {
          job.client().destroyForcibly();
        }
      }
      quotas.forEach(role -> RoleQuotas.delete(http, role));
    }
  }

  private static List<Task> tasksOfRole(String role) {
    return jobs.corral.query(v -> v.frameworks().stream().filter(f -> f.role().equals(role))
        .flatMap(f -> v.tasks(f.id()).stream()).toList());
  }

  private static long runningMaps(String role) {
    return tasksOfRole(role).stream().filter(t -> t.getName().contains("_m_") && t.getState() == TaskState.TASK_RUNNING)
        .count();
  }
}
