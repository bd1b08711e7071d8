package io.corral.storm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.storm.Config;
import org.apache.storm.daemon.nimbus.Nimbus;
import org.apache.storm.metric.StormMetricsRegistry;
import org.apache.storm.scheduler.Cluster;
import org.apache.storm.scheduler.DefaultScheduler;
import org.apache.storm.scheduler.ExecutorDetails;
import org.apache.storm.scheduler.SchedulerAssignment;
import org.apache.storm.scheduler.SchedulerAssignmentImpl;
import org.apache.storm.scheduler.SupervisorDetails;
import org.apache.storm.scheduler.Topologies;
import org.apache.storm.scheduler.TopologyDetails;
import org.apache.storm.scheduler.WorkerSlot;
import org.apache.storm.scheduler.resource.normalization.ResourceMetrics;
import org.apache.storm.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Drain on Storm's own {@link Cluster}, built as Nimbus builds it for a round (a withheld
 * Supervisor has no port Storm may use, its workers stay in the assignments), followed by Storm's
 * {@link DefaultScheduler} as Nimbus runs it.
 */
class DrainTest {
  private static final Map<String, Object> CONF = new HashMap<>(Utils.readDefaultConfig());
  private static final Instant DEADLINE = Instant.parse("2030-01-01T00:00:10Z");

  private final Map<String, SupervisorDetails> supervisors = new LinkedHashMap<>();
  private final Map<String, SchedulerAssignmentImpl> assignments = new HashMap<>();
  private final Map<String, TopologyDetails> topologies = new LinkedHashMap<>();

  /** A registered Supervisor whose {@code ports} Storm may use (none when withheld). */
  private void supervisor(String id, Integer... ports) {
    supervisors.put(id, new SupervisorDetails(id, "host-" + id, null, Arrays.asList(ports),
        Map.of(Config.SUPERVISOR_CPU_CAPACITY, 400.0, Config.SUPERVISOR_MEMORY_CAPACITY_MB, 4096.0)));
  }

  /** A topology of {@code workers} workers and two executors, assigned to {@code slots} (none: not yet). */
  private TopologyDetails topology(String id, int workers, WorkerSlot... slots) {
    Map<ExecutorDetails, String> executors = new HashMap<>();
    executors.put(new ExecutorDetails(1, 1), "spout");
    executors.put(new ExecutorDetails(2, 2), "bolt");
    Map<String, Object> conf = new HashMap<>(CONF);
    conf.put(Config.TOPOLOGY_NAME, id);
    TopologyDetails td = new TopologyDetails(id, conf, null, workers, executors, 0, "user");
    topologies.put(id, td);
    if (slots.length > 0) {
      Map<ExecutorDetails, WorkerSlot> where = new HashMap<>();
      int i = 0;
      for (ExecutorDetails e : executors.keySet().stream().sorted((a, b) -> a.getStartTask() - b.getStartTask())
          .toList()) {
        where.put(e, slots[i++ % slots.length]);
      }
      assignments.put(id, new SchedulerAssignmentImpl(id, where, null, null));
    }
    return td;
  }

  private static WorkerSlot slot(String supervisor, int port) {
    return new WorkerSlot(supervisor, port);
  }

  private Cluster cluster() {
    Map<String, SchedulerAssignmentImpl> copies = new HashMap<>();
    assignments.forEach((id, a) -> copies.put(id, new SchedulerAssignmentImpl(a)));
    return new Cluster(new Nimbus.StandaloneINimbus(), new ResourceMetrics(new StormMetricsRegistry()), supervisors,
        copies, new Topologies(topologies), CONF);
  }

  private static SupervisorFleet.Withheld draining(String... ids) {
    Map<String, Instant> d = new LinkedHashMap<>();
    for (String id : ids) {
      d.put(id, DEADLINE);
    }
    return new SupervisorFleet.Withheld(Set.of(ids), Set.of(), d);
  }

  /** A round: Drain, then Storm's scheduler; returns the drained Supervisors and keeps the assignments. */
  private Set<String> round(SupervisorFleet.Withheld withheld) {
    Cluster c = cluster();
    Set<String> drained = Drain.apply(c, new Topologies(topologies), withheld, false);
    new DefaultScheduler().schedule(new Topologies(topologies), c);
    assignments.clear();
    c.getAssignments().forEach((id, a) -> assignments.put(id, new SchedulerAssignmentImpl(a)));
    return drained;
  }

  private Set<WorkerSlot> slotsOf(String topology) {
    SchedulerAssignment a = assignments.get(topology);
    return a == null ? Set.of() : Set.copyOf(a.getExecutorToSlot().values());
  }

  private int executorsAssigned(String topology) {
    SchedulerAssignment a = assignments.get(topology);
    return a == null ? 0 : a.getExecutors().size();
  }

  @Test
  void aDrainingSupervisorsWorkerMovesToAFreeSlotAndTheSupervisorIsDrainedTheRoundAfter() {
    supervisor("s1", 6700);
    supervisor("s2"); // draining: Nimbus was given none of its ports
    topology("wc", 1, slot("s2", 6700));

    assertThat(round(draining("s2"))).as("its worker was still there when the round began").isEmpty();
    assertThat(slotsOf("wc")).containsExactly(slot("s1", 6700));
    assertThat(executorsAssigned("wc")).isEqualTo(2);

    assertThat(round(draining("s2"))).containsExactly("s2");
    assertThat(slotsOf("wc")).containsExactly(slot("s1", 6700));
  }

  @Test
  void withoutAFreeSlotTheWorkerStaysWhereItIs() {
    supervisor("s1", 6700);
    supervisor("s2");
    topology("other", 1, slot("s1", 6700));
    topology("wc", 1, slot("s2", 6700));

    assertThat(round(draining("s2"))).isEmpty();
    assertThat(slotsOf("wc")).as("not freed into nowhere: Storm would stop the worker").containsExactly(slot("s2", 6700));
    assertThat(executorsAssigned("wc")).isEqualTo(2);
    assertThat(slotsOf("other")).containsExactly(slot("s1", 6700));
  }

  @Test
  void aFreeSlotATopologyShortOfWorkersNeedsIsLeftToIt() {
    supervisor("s1", 6700);
    supervisor("s2");
    topology("waiting", 1);
    topology("wc", 1, slot("s2", 6700));

    round(draining("s2"));
    assertThat(slotsOf("wc")).containsExactly(slot("s2", 6700));
    assertThat(slotsOf("waiting")).containsExactly(slot("s1", 6700));
  }

  @Test
  void theEarliestDeadlineMovesFirst() {
    supervisor("s1", 6700);
    supervisor("s2");
    supervisor("s3");
    topology("late", 1, slot("s2", 6700));
    topology("early", 1, slot("s3", 6700));
    Map<String, Instant> d = new LinkedHashMap<>();
    d.put("s2", DEADLINE.plusSeconds(5));
    d.put("s3", DEADLINE);

    round(new SupervisorFleet.Withheld(Set.of("s2", "s3"), Set.of(), d));

    assertThat(slotsOf("early")).containsExactly(slot("s1", 6700));
    assertThat(slotsOf("late")).containsExactly(slot("s2", 6700));
  }

  @Test
  void aGoneSupervisorsExecutorsArePlacedInTheSameRound() {
    supervisor("s1", 6700, 6701);
    supervisor("s2"); // its task ended: Storm lists it until its ZooKeeper session expires
    topology("wc", 2, slot("s2", 6700), slot("s1", 6700));
    SupervisorFleet.Withheld gone = new SupervisorFleet.Withheld(Set.of("s2"), Set.of("s2"), Map.of());

    // Storm alone keeps the dead worker's executors assigned while they count as alive.
    Cluster alone = cluster();
    new DefaultScheduler().schedule(new Topologies(topologies), alone);
    assertThat(alone.getAssignmentById("wc").getExecutorToSlot().values()).contains(slot("s2", 6700));

    round(gone);
    assertThat(slotsOf("wc")).containsExactlyInAnyOrder(slot("s1", 6700), slot("s1", 6701));
    assertThat(executorsAssigned("wc")).isEqualTo(2);
  }

  @Test
  void nothingIsPlacedOnAWithheldSupervisor() {
    supervisor("s1");
    supervisor("s2");
    topology("wc", 1, slot("s2", 6700));
    topology("new", 1);

    assertThat(round(draining("s2"))).isEmpty();
    assertThat(slotsOf("wc")).containsExactly(slot("s2", 6700));
    assertThat(slotsOf("new")).isEmpty();
    assertThat(assignments.values().stream().flatMap(a -> a.getExecutorToSlot().values().stream())
        .map(WorkerSlot::getNodeId).collect(Collectors.toSet())).containsExactly("s2");
    assertThat(List.copyOf(supervisors.keySet())).containsExactly("s1", "s2");
  }
}
