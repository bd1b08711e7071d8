package io.corral.storm;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.Resource;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.RebalanceOptions;
import org.apache.storm.generated.SupervisorSummary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * One topology's life on a Corral-backed Nimbus, in order, on real processes: deploy (Supervisors
 * launched from offers, tuples acked), a worker SIGKILLed, rebalance from 1 to 2 workers (a
 * Supervisor on the second agent), a Nimbus restart (same framework, same Supervisors), kill
 * (every Corral task released after the idle timeout).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TopologyLifecycleIT {
  private static final String NAME = "wordcount";
  /**
   * Small workers: 32 MiB of heap per executor (8 executors: 256 MiB for one worker), half a cpu
   * each (agents here have 1 cpu).
   */
  private static final String[] SMALL = {"topology.component.resources.onheap.memory.mb=32",
      "topology.corral.worker.cpus=0.5",
      // Workers report their statistics (what Nimbus's acked counts come from) every 5 s, not 60.
      "executor.metrics.frequency.secs=5",
      // Tuples lost with a killed or moved worker are replayed after 10 s, not 30 (the spouts wait for them).
      "topology.message.timeout.secs=10",
      "topology.worker.childopts=-XX:+UseSerialGC", WordCountTopologyRate.RATE + "=200"};
  private static StormCluster storm;
  private static String framework;

  @BeforeAll
  static void start() throws Exception {
    storm = StormCluster.start("lifecycle-it", 2, List.of("--supervisor-idle-timeout", "5s"));
  }

  @AfterAll
  static void stop() {
    if (storm != null) {
      storm.close();
    }
  }

  @Test
  @Order(1)
  void aTopologySubmittedThroughStormSubmitterRunsOnASupervisorLaunchedFromOffers() throws Exception {
    framework = storm.frameworkId();
    assertThat(framework).as("the Nimbus's framework on the master").isNotNull();
    assertThat(storm.tasks(framework)).as("no Supervisor before a topology needs one").isEmpty();

    storm.submitWordCount(NAME, 1, SMALL);
    assertThat(storm.topologies()).as("storm list").anyMatch(t -> t.get_name().equals(NAME));
    long t0 = System.nanoTime();
    StormCluster.await(Duration.ofMinutes(2), "acked tuples", () -> acked() > 0);
    System.out.printf("first acked tuples seen %d ms after the submitter returned%n", (System.nanoTime() - t0) / 1_000_000);
    awaitAckedGrowth(100, Duration.ofMinutes(1), "");

    List<Task> running = storm.runningTasks(framework);
    assertThat(running).as("one Supervisor task").hasSize(1);
    Task supervisor = running.get(0);
    // One slot: the Supervisor's JVM plus one worker, a Thrift port and a slot port from the offer.
    assertThat(scalar(supervisor, "cpus")).isCloseTo(0.7, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(scalar(supervisor, "mem")).isEqualTo(256 + 256 + WorkerSize.LOG_WRITER_HEAP_MIB
        + WorkerSize.JVM_OVERHEAD_MIB);
    assertThat(ports(supervisor)).isEqualTo(2);
    List<SupervisorSummary> sups = storm.clusterSummary().get_supervisors();
    assertThat(sups).extracting(SupervisorSummary::get_supervisor_id).containsExactly(supervisor.getTaskId());
    assertThat(sups.get(0).get_host()).as("storm.local.hostname: the agent's address").isEqualTo(
        storm.corral.query(v -> v.agents().stream().filter(a -> a.id().equals(supervisor.getAgentId()))
            .findFirst().orElseThrow().hostname()));
    assertThat(sups.get(0).get_num_used_workers()).isEqualTo(1);
    // The worker runs under the Supervisor, in its Corral sandbox.
    List<ProcessHandle> workers = StormCluster.workers(storm.topologyId(NAME));
    assertThat(workers).hasSize(1);
    assertThat(io.corral.bridges.testkit.Processes.commandLine(workers.get(0)))
        .contains(storm.dir.resolve("corral").toString()).contains("-Xmx256m");
  }

  @Test
  @Order(2)
  void aWorkerKilledIsReplacedAndTheTopologyKeepsProcessing() throws Exception {
    String id = storm.topologyId(NAME);
    ProcessHandle worker = StormCluster.workers(id).get(0);
    worker.destroyForcibly();
    worker.onExit().get(30, TimeUnit.SECONDS);
    StormCluster.await(Duration.ofMinutes(2), "a new worker process", () -> StormCluster.workers(id).stream()
        .anyMatch(p -> p.pid() != worker.pid()));
    awaitAckedGrowth(100, Duration.ofMinutes(2), "after the worker was replaced");
    assertThat(storm.runningTasks(framework)).as("the same Supervisor").hasSize(1);
  }

  @Test
  @Order(3)
  void rebalancingToTwoWorkersLaunchesASupervisorOnTheSecondAgent() throws Exception {
    RebalanceOptions opts = new RebalanceOptions();
    opts.set_wait_secs(0);
    opts.set_num_workers(2);
    storm.nimbus(n -> {
      n.rebalance(NAME, opts);
      return null;
    });
    StormCluster.await(Duration.ofMinutes(3), "two Supervisors with a worker each", () -> {
      try {
        return storm.clusterSummary().get_supervisors().stream().filter(s -> s.get_num_used_workers() == 1)
            .count() == 2;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    List<Task> running = storm.runningTasks(framework);
    assertThat(running).hasSize(2);
    assertThat(running.stream().map(Task::getAgentId).collect(Collectors.toSet())).as("agents").hasSize(2);
    String id = storm.topologyId(NAME);
    StormCluster.await(Duration.ofMinutes(1), "two worker processes", () -> StormCluster.workers(id).size() == 2);
    awaitAckedGrowth(100, Duration.ofMinutes(2), "on two workers");
  }

  @Test
  @Order(4)
  void aRestartedNimbusTakesItsFrameworkAndSupervisorsBack() throws Exception {
    Set<String> before = storm.runningTasks(framework).stream().map(Task::getTaskId).collect(Collectors.toSet());
    List<ProcessHandle> workers = StormCluster.workers(storm.topologyId(NAME));
    storm.stopNimbus();
    boolean connected = storm.corral.query(v -> v.framework(framework).orElseThrow().connected());
    assertThat(connected).as("framework waiting for failover").isFalse();
    storm.startNimbus();
    StormCluster.await(Duration.ofMinutes(1), "the framework reconnected",
        () -> storm.corral.query(v -> v.framework(framework).map(f -> f.connected()).orElse(false)));
    assertThat(StormCluster.read(storm.nimbusLog())).contains("failing over to Corral framework " + framework);
    assertThat(storm.frameworkId()).isEqualTo(framework);
    awaitAckedGrowth(100, Duration.ofMinutes(2), "after the restart");
    assertThat(storm.runningTasks(framework).stream().map(Task::getTaskId).collect(Collectors.toSet()))
        .as("the same Supervisors, no second set").isEqualTo(before);
    assertThat(storm.tasksSeen(framework)).hasSize(before.size());
    assertThat(workers).as("the workers kept running").allMatch(ProcessHandle::isAlive);
  }

  @Test
  @Order(5)
  void killingTheTopologyReleasesEveryCorralTaskAfterTheIdleTimeout() throws Exception {
    KillOptions opts = new KillOptions();
    opts.set_wait_secs(0);
    storm.nimbus(n -> {
      n.killTopologyWithOpts(NAME, opts);
      return null;
    });
    StormCluster.await(Duration.ofMinutes(2), "the topology gone from storm list",
        () -> {
          try {
            return storm.topologies().isEmpty();
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
    StormCluster.await(Duration.ofMinutes(2), "every Supervisor task ended",
        () -> storm.runningTasks(framework).isEmpty());
    assertThat(storm.tasksSeen(framework)).allMatch(t -> t.getState() == TaskState.TASK_KILLED
        || t.getState() == TaskState.TASK_RUNNING /* last seen before it ended */);
    int active = storm.corral.query(v -> v.framework(framework).orElseThrow().activeTasks());
    assertThat(active).isZero();
    StormCluster.await(Duration.ofMinutes(1), "no worker process left",
        () -> ProcessHandle.allProcesses().noneMatch(p -> io.corral.bridges.testkit.Processes.commandLine(p)
            .contains("org.apache.storm.daemon.worker.Worker")));
  }

  /**
   * Waits until the spouts' acked count grows by {@code by}. Storm's counts are per worker process
   * (they start again from 0 in a new worker), so a drop restarts the count from there.
   */
  private static void awaitAckedGrowth(long by, Duration within, String when) throws InterruptedException {
    java.util.concurrent.atomic.AtomicLong base = new java.util.concurrent.atomic.AtomicLong(acked());
    StormCluster.await(within, "acked tuples to grow by " + by + " " + when, () -> {
      long now = acked();
      if (now < base.get()) {
        base.set(now);
      }
      return now >= base.get() + by;
    });
  }

  private static long acked() {
    try {
      return storm.acked(NAME);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  private static double scalar(Task t, String name) {
    return t.getResourcesList().stream().filter(r -> r.getName().equals(name)).mapToDouble(Resource::getScalar)
        .sum();
  }

  private static long ports(Task t) {
    return t.getResourcesList().stream().filter(r -> r.getName().equals("ports"))
        .flatMap(r -> r.getRanges().getRangeList().stream()).mapToLong(r -> r.getEnd() - r.getBegin() + 1).sum();
  }

  /** The rate setting's name (the topology's class is only in its jar). */
  private static final class WordCountTopologyRate {
    static final String RATE = "wordcount.sentences.per.sec";
  }
}
