package io.corral.storm;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.testkit.RoleQuotas;
import io.corral.bridges.testkit.UrgentFramework;
import io.corral.common.resources.Resources;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.SupervisorSummary;
import org.apache.storm.generated.SupervisorPageInfo;
import org.apache.storm.generated.WorkerSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Storm topology keeps acking through a preemption, on real processes: two agents of 1 cpu; a
 * Nimbus in role {@code stream} (guarantee 0.7 cpus) runs two Supervisors of 0.75 cpus, one per
 * agent, one word count's worker each; the one on the older Supervisor, S1, is killed (S1 is kept
 * idle for the idle timeout), the other's worker is on S2.
 * A framework of role {@code urgent} (guarantee 0.6 cpus) arrives and takes the 0.25 left on each
 * agent; it lacks one more task, and the master gives the Nimbus notice for its newest task, S2
 * (taking S1 too would bring {@code stream} below its guarantee). The bridge withholds S2's slot,
 * Nimbus moves the worker to S1's free slot, and S2 is released well before the deadline: killed by
 * the framework, not by the master ({@code REASON_PREEMPTED}), and no Supervisor is launched.
 * Storm alone would keep the worker on S2 until the master killed it, and reassign it only after
 * {@code nimbus.task.launch.secs} (120 s here, Storm's default).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PreemptionIT {
  private static final Duration GRACE = Duration.ofSeconds(15);
  /** One executor per component and an acker, 64 MiB each; a worker takes 0.55 cpus, its Supervisor 0.75. */
  private static final String[] SMALL = {"wordcount.parallelism=1", "topology.component.resources.onheap.memory.mb=64",
      "topology.corral.worker.cpus=0.55", "topology.message.timeout.secs=10",
      "topology.worker.childopts=-XX:+UseSerialGC", "wordcount.sentences.per.sec=100"};
  private static final Resources URGENT_TASK = Resources.parse("cpus:0.2;mem:32");

  @Test
  void aPreemptedSupervisorsWorkerMovesToAFreeSlotAndTheTopologyKeepsAcking() throws Exception {
    try (StormCluster storm = StormCluster.start("preemption-it", 2, List.of("--role", "stream",
            "--supervisor-idle-timeout", "5m",
            // Workers report their statistics (Nimbus's acked counts) every 5 s, not 60 (a worker setting).
            "-c", "executor.metrics.frequency.secs=5"),
        m -> m.httpPort(0).preemptionGrace(GRACE),
        i -> Resources.parse("cpus:1;mem:3072;disk:10000;ports:[" + (31000 + 500 * i) + "-" + (31499 + 500 * i) + "]"))) {
      String http = storm.corral.master().httpUrl();
      String framework = storm.frameworkId();
      assertThat(RoleQuotas.put(http, "stream", "{\"guarantee\": {\"cpus\": 0.7}}")).isEqualTo(200);

      // Two word counts, their Supervisors launched one after the other (the master names the newest task
      // first) and starting side by side; the one whose worker is on the newer Supervisor, S2, is kept.
      storm.submitWordCount("wc-a", 1, SMALL);
      StormCluster.await(Duration.ofMinutes(1), "a first Supervisor launched", () -> storm.tasksSeen(framework).size() == 1);
      storm.submitWordCount("wc-b", 1, SMALL);
      StormCluster.await(Duration.ofMinutes(2), "both assigned", () -> usedWorkers(storm).size() == 2);
      List<String> launched = storm.tasksSeen(framework).stream().map(Task::getTaskId)
          .sorted(Comparator.comparingLong(PreemptionIT::launchSeq)).toList();
      assertThat(launched).hasSize(2);
      String s1 = launched.get(0);
      String s2 = launched.get(1);
      String wc = topologyOn(storm, s2);
      kill(storm, topologyOn(storm, s1));
      StormCluster.await(Duration.ofMinutes(2), "acked tuples of " + wc + ", and S1 idle",
          () -> acked(storm, wc) > 0 && usedWorkers(storm).equals(List.of(s2)));

      try (UrgentFramework urgent = UrgentFramework.start(storm.corral.masterAddress().toString(), "urgent",
          URGENT_TASK, 3)) {
        assertThat(RoleQuotas.put(http, "urgent", "{\"guarantee\": {\"cpus\": 0.6}}")).isEqualTo(200);
        long noticed = System.nanoTime();
        StormCluster.await(GRACE.plusSeconds(30), "wc's worker on S1 and S2's task ended",
            () -> usedWorkers(storm).equals(List.of(s1)) && ended(storm, framework, s2).isPresent());
        System.out.printf("moved and released %d ms after the urgent role's guarantee was set%n",
            (System.nanoTime() - noticed) / 1_000_000);

        Task released = ended(storm, framework, s2).orElseThrow();
        assertThat(released.getState()).isEqualTo(TaskState.TASK_KILLED);
        assertThat(released.getLatestStatus().getReason()).as("released by the Nimbus before the deadline")
            .isNotEqualTo(TaskStatusReason.REASON_PREEMPTED);
        assertThat(StormCluster.read(storm.nimbusLog())).containsPattern(
            "preemption notice for role urgent: .*workers of \\[" + s2 + "\\] move before");
        awaitAckedGrowth(storm, wc, 100, Duration.ofMinutes(1));
        assertThat(storm.tasksSeen(framework).stream().map(Task::getTaskId).collect(Collectors.toSet()))
            .as("no Supervisor launched: the worker went to S1's free slot").isEqualTo(Set.of(s1, s2));
        assertThat(storm.runningTasks(framework)).extracting(Task::getTaskId).containsExactly(s1);
        StormCluster.await(Duration.ofSeconds(30), "urgent at its guarantee (3 tasks)", () -> urgent.running() == 3);
        assertThat(preemptions(http, "stream")).as("the master counts the Supervisor it noticed").isEqualTo(1);
      }
    }
  }

  /** The Supervisors with a worker assigned, as {@code storm list}'s cluster summary has them. */
  private static List<String> usedWorkers(StormCluster storm) {
    try {
      return storm.clusterSummary().get_supervisors().stream().filter(s -> s.get_num_used_workers() > 0)
          .map(SupervisorSummary::get_supervisor_id).sorted().toList();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  /** The order the fleet launched a Supervisor in: its id ends in a sequence number. */
  private static long launchSeq(String supervisorId) {
    return Long.parseLong(supervisorId.substring(supervisorId.lastIndexOf('-') + 1));
  }

  /** The topology with a worker on the Supervisor (Storm UI's supervisor page). */
  private static String topologyOn(StormCluster storm, String supervisorId) throws Exception {
    SupervisorPageInfo page = storm.nimbus(n -> n.getSupervisorPageInfo(supervisorId, StormCluster.NIMBUS_HOST, false));
    return page.get_worker_summaries().stream().map(WorkerSummary::get_topology_name).findFirst()
        .orElseThrow(() -> new AssertionError("no topology on " + supervisorId));
  }

  private static Optional<Task> ended(StormCluster storm, String framework, String taskId) {
    return storm.tasksSeen(framework).stream().filter(t -> t.getTaskId().equals(taskId))
        .filter(t -> t.getState() != TaskState.TASK_RUNNING && t.getState() != TaskState.TASK_STAGING
            && t.getState() != TaskState.TASK_STARTING && t.getState() != TaskState.TASK_KILLING).findFirst();
  }

  private static long acked(StormCluster storm, String name) {
    try {
      return storm.acked(name);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  /** Waits until the spouts' acked count grows by {@code by} (a count that drops, a new worker's, starts again). */
  private static void awaitAckedGrowth(StormCluster storm, String name, long by, Duration within)
      throws InterruptedException {
    AtomicLong base = new AtomicLong(acked(storm, name));
    StormCluster.await(within, "acked tuples of " + name + " to grow by " + by, () -> {
      long now = acked(storm, name);
      if (now < base.get()) {
        base.set(now);
      }
      return now >= base.get() + by;
    });
  }

  /** {@code storm kill <name> -w 0}. */
  private static void kill(StormCluster storm, String name) throws Exception {
    KillOptions opts = new KillOptions();
    opts.set_wait_secs(0);
    storm.nimbus(n -> {
      n.killTopologyWithOpts(name, opts);
      return null;
    });
  }

  /** The master's {@code corral_role_preemptions_total} for the role. */
  private static long preemptions(String http, String role) throws Exception {
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http + "metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("corral_role_preemptions_total\\{role=\"" + role + "\"} ([0-9.]+)").matcher(metrics);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }
}
