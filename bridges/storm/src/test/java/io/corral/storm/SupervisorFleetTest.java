package io.corral.storm;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SupervisorFleetTest {
  private static final WorkerSize WORKER = new WorkerSize(0.5, 512);
  private static final long IDLE = 20_000;
  private final SupervisorFleet fleet = new SupervisorFleet(0.2, 256, IDLE);

  private static Offer offer(String id, String agent, String resources) {
    return Offer.newBuilder().setId(id).setAgentId(agent).setHostname(agent + ".example")
        .addAllResources(Resources.parse(resources).toProto()).build();
  }

  /** {@code used}: the registered Supervisors and their busy slots. */
  private static SupervisorFleet.Observation missing(int workers, Map<String, Integer> used) {
    return new SupervisorFleet.Observation(workers, 0, workers > 0 ? WORKER : null, used);
  }

  @Test
  void nothingIsLaunchedWhenStormMissesNoWorker() {
    fleet.observe(missing(0, Map.of()), 0);
    assertThat(fleet.place(List.of(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")), 0)).isEmpty();
  }

  @Test
  void missingWorkersSpreadOverAgentsOneSupervisorEach() {
    fleet.observe(missing(2, Map.of()), 0);
    List<SupervisorFleet.Launch> launches = fleet.place(List.of(
        offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]"),
        offer("o2", "a2", "cpus:4;mem:8192;ports:[32000-32100]")), 0);
    assertThat(launches).hasSize(2);
    assertThat(launches).extracting(l -> l.offer().getAgentId()).containsExactlyInAnyOrder("a1", "a2");
    SupervisorFleet.Launch l = launches.get(0);
    assertThat(l.slotPorts()).hasSize(1);
    assertThat(l.resources().cpus()).isEqualTo(0.7);
    assertThat(l.resources().mem()).isEqualTo(256 + 512);
    assertThat(l.resources().ports().size()).isEqualTo(2);
    assertThat(l.resources().ports().contains(l.thriftPort())).isTrue();
    assertThat(l.slotPorts()).doesNotContain(l.thriftPort());
    assertThat(fleet.wanted()).isZero();
  }

  @Test
  void oneAgentTakesSeveralSlotsWhenItIsTheOnlyOne() {
    fleet.observe(missing(3, Map.of()), 0);
    List<SupervisorFleet.Launch> launches = fleet.place(List.of(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")), 0);
    assertThat(launches).hasSize(1);
    assertThat(launches.get(0).slotPorts()).hasSize(3);
    assertThat(launches.get(0).resources().cpus()).isEqualTo(0.2 + 3 * 0.5);
  }

  @Test
  void anOfferTooSmallForOneWorkerIsNotUsed() {
    fleet.observe(missing(1, Map.of()), 0);
    assertThat(fleet.place(List.of(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31000]"),
        offer("o2", "a2", "cpus:0.5;mem:8192;ports:[31000-31010]"),
        offer("o3", "a3", "cpus:4;mem:700;ports:[31000-31010]")), 0)).isEmpty();
    assertThat(fleet.wanted()).isEqualTo(1);
  }

  @Test
  void slotsOfSupervisorsStillStartingCountAgainstWhatIsMissing() {
    fleet.observe(missing(1, Map.of()), 0);
    SupervisorFleet.Launch l = fleet.place(List.of(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")), 0).get(0);
    // Storm still misses the worker: the Supervisor has not registered yet.
    fleet.observe(missing(1, Map.of()), 1000);
    assertThat(fleet.wanted()).isZero();
    assertThat(fleet.place(List.of(offer("o2", "a2", "cpus:4;mem:8192;ports:[32000-32100]")), 1000)).isEmpty();
    // Registered, and still one more missing: now it is asked for.
    fleet.update(l.supervisorId(), "a1", TaskState.TASK_RUNNING, 2000);
    fleet.observe(missing(1, Map.of(l.supervisorId(), 1)), 2000);
    assertThat(fleet.wanted()).isEqualTo(1);
  }

  @Test
  void freeSlotsStormLeavesUnusedNeitherCallForMoreNorLetASupervisorRetire() {
    fleet.observe(missing(1, Map.of()), 0);
    String id = fleet.place(List.of(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")), 0).get(0).supervisorId();
    fleet.update(id, "a1", TaskState.TASK_RUNNING, 0);
    // Registered and free, yet Storm does not place the worker there (say its host is avoided).
    for (long t = 0; t <= 3 * IDLE; t += IDLE / 2) {
      assertThat(fleet.observe(new SupervisorFleet.Observation(1, 1, WORKER, Map.of(id, 0)), t)).isEmpty();
      assertThat(fleet.wanted()).isZero();
    }
  }

  @Test
  void aSecondSupervisorIsNotStartedOnAnAgentWhereOneIsStarting() {
    fleet.observe(missing(1, Map.of()), 0);
    fleet.place(List.of(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")), 0);
    fleet.observe(missing(2, Map.of()), 100);
    assertThat(fleet.place(List.of(offer("o2", "a1", "cpus:3;mem:7000;ports:[31002-31100]")), 100)).isEmpty();
  }

  @Test
  void anIdleSupervisorIsRetiredAfterTheIdleTimeoutUnlessSlotsAreMissing() {
    fleet.observe(missing(1, Map.of()), 0);
    String id = fleet.place(List.of(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")), 0).get(0).supervisorId();
    fleet.update(id, "a1", TaskState.TASK_RUNNING, 0);
    assertThat(fleet.observe(missing(0, Map.of(id, 1)), 1000)).isEmpty();
    assertThat(fleet.observe(missing(0, Map.of(id, 0)), 2000)).isEmpty(); // idle from now
    assertThat(fleet.observe(missing(0, Map.of(id, 0)), 2000 + IDLE - 1)).isEmpty();
    // A topology waiting for slots keeps it (Storm may place the workers there next round).
    assertThat(fleet.observe(missing(1, Map.of(id, 0)), 2000 + IDLE)).isEmpty();
    assertThat(fleet.observe(missing(0, Map.of(id, 0)), 2000 + IDLE)).containsExactly(id);
    assertThat(fleet.unusable()).containsExactly(id);
    // Its end is expected: it stays unusable while Storm may still list it.
    assertThat(fleet.update(id, "a1", TaskState.TASK_KILLED, 2000 + IDLE + 100).state)
        .isEqualTo(SupervisorFleet.State.RETIRING);
    assertThat(fleet.unusable()).containsExactly(id);
    assertThat(fleet.supervisors()).isEmpty();
  }

  @Test
  void workOnASupervisorResetsItsIdleClock() {
    fleet.observe(missing(1, Map.of()), 0);
    String id = fleet.place(List.of(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")), 0).get(0).supervisorId();
    fleet.update(id, "a1", TaskState.TASK_RUNNING, 0);
    fleet.observe(missing(0, Map.of(id, 0)), 0);
    fleet.observe(missing(0, Map.of(id, 1)), IDLE / 2);
    fleet.observe(missing(0, Map.of(id, 0)), IDLE);
    assertThat(fleet.observe(missing(0, Map.of(id, 0)), IDLE + IDLE / 2)).isEmpty();
  }

  @Test
  void anAgentWhereSupervisorsFailToStartTwiceIsAvoidedForAWhile() {
    for (int i = 0; i < SupervisorFleet.MAX_START_FAILURES; i++) {
      fleet.observe(missing(1, Map.of()), i);
      String id = fleet.place(List.of(offer("o" + i, "a1", "cpus:4;mem:8192;ports:[31000-31100]")), i).get(0)
          .supervisorId();
      fleet.update(id, "a1", TaskState.TASK_FAILED, i);
    }
    fleet.observe(missing(1, Map.of()), 10);
    assertThat(fleet.place(List.of(offer("o9", "a1", "cpus:4;mem:8192;ports:[31000-31100]")), 10)).isEmpty();
    assertThat(fleet.place(List.of(offer("o10", "a2", "cpus:4;mem:8192;ports:[31000-31100]")), 10)).hasSize(1);
    long later = 10 + SupervisorFleet.FAILED_AGENT_PAUSE_MILLIS;
    assertThat(fleet.failing("a1", later)).isFalse();
  }

  @Test
  void aRunningTaskItDoesNotKnowIsTakenBackAfterANimbusRestart() {
    assertThat(fleet.update("supervisor-x-1", "a1", TaskState.TASK_RUNNING, 0)).isNull();
    assertThat(fleet.supervisors()).extracting(s -> s.id).containsExactly("supervisor-x-1");
    assertThat(fleet.supervisors().iterator().next().state).isEqualTo(SupervisorFleet.State.RUNNING);
    // A Supervisor that ended is not resurrected by a late update.
    fleet.update("supervisor-x-1", "a1", TaskState.TASK_FAILED, 1);
    fleet.update("supervisor-x-1", "a1", TaskState.TASK_RUNNING, 2);
    assertThat(fleet.supervisors()).isEmpty();
    assertThat(fleet.unusable()).containsExactly("supervisor-x-1");
  }

  @Test
  void aReplacementSupervisorAvoidsThePortsOfTheOneThatEndedOnItsAgent() {
    fleet.observe(missing(1, Map.of()), 0);
    SupervisorFleet.Launch first = fleet.place(List.of(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")), 0).get(0);
    assertThat(first.thriftPort()).isEqualTo(31000);
    assertThat(first.slotPorts()).containsExactly(31001);
    fleet.update(first.supervisorId(), "a1", TaskState.TASK_RUNNING, 1000);
    fleet.update(first.supervisorId(), "a1", TaskState.TASK_FAILED, 2000);

    // The killed Supervisor's workers' peers still know 31001 as its slot: the new one takes others.
    fleet.observe(missing(1, Map.of()), 3000);
    SupervisorFleet.Launch second = fleet.place(List.of(offer("o2", "a1", "cpus:4;mem:8192;ports:[31000-31100]")), 3000).get(0);
    assertThat(second.thriftPort()).isEqualTo(31002);
    assertThat(second.slotPorts()).containsExactly(31003);

    // Another agent's ports are its own.
    fleet.update(second.supervisorId(), "a1", TaskState.TASK_RUNNING, 4000);
    fleet.observe(missing(1, Map.of(second.supervisorId(), 1)), 4000);
    SupervisorFleet.Launch elsewhere = fleet.place(List.of(offer("o3", "a2", "cpus:4;mem:8192;ports:[31000-31100]")), 4000).get(0);
    assertThat(elsewhere.slotPorts()).containsExactly(31001);
  }

  @Test
  void whenOnlyEndedPortsAreOfferedTheyAreUsedAllTheSame() {
    fleet.observe(missing(1, Map.of()), 0);
    SupervisorFleet.Launch first = fleet.place(List.of(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31001]")), 0).get(0);
    fleet.update(first.supervisorId(), "a1", TaskState.TASK_KILLED, 1000);
    fleet.observe(missing(1, Map.of()), 2000);
    SupervisorFleet.Launch again = fleet.place(List.of(offer("o2", "a1", "cpus:4;mem:8192;ports:[31000-31001]")), 2000).get(0);
    assertThat(again.slotPorts()).containsExactly(31001);
  }
}
