package io.corral.storm;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.common.Fleet.Member;
import io.corral.bridges.common.Fleet.Phase;
import io.corral.common.loop.ManualEventLoop;
import io.corral.common.resources.Resources;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Supervisors' bookkeeping, on a manual loop: the idle timeout and the failure pause take no real time. */
class SupervisorFleetTest {
  private static final WorkerSize WORKER = new WorkerSize(0.5, 512);
  private static final long IDLE = 20_000;
  private final ManualEventLoop loop = new ManualEventLoop();
  private final Instant start = loop.now();
  /** The Supervisors retired for idleness, in order. */
  private final List<String> retired = new ArrayList<>();
  /** The Supervisors released for a preemption notice, in order. */
  private final List<String> preempted = new ArrayList<>();
  private final SupervisorFleet fleet = new SupervisorFleet(new SupervisorFleet.Sizing(0.2, 256,
      Duration.ofMillis(IDLE)), loop, loop.clock(),
      (s, why) -> (why == SupervisorFleet.Reason.IDLE ? retired : preempted).add(s.key()));

  private static Offer offer(String id, String agent, String resources) {
    return Offer.newBuilder().setId(id).setAgentId(agent).setHostname(agent + ".example")
        .addAllResources(Resources.parse(resources).toProto()).build();
  }

  /** {@code used}: the registered Supervisors and their busy slots. */
  private static SupervisorFleet.Observation missing(int workers, Map<String, Integer> used) {
    return new SupervisorFleet.Observation(workers, 0, workers > 0 ? WORKER : null, used);
  }

  /** Moves the loop's time to {@code millis} after the start, running the timers due on the way. */
  private void at(long millis) {
    loop.advance(Duration.between(loop.now(), start.plusMillis(millis)));
  }

  private void observeAt(long millis, SupervisorFleet.Observation o) {
    at(millis);
    fleet.observe(o);
  }

  private List<SupervisorFleet.Launch> place(Offer... offers) {
    return fleet.place(List.of(offers));
  }

  private void update(String id, TaskState state) {
    fleet.update(id, "a1", state);
  }

  @Test
  void nothingIsLaunchedWhenStormMissesNoWorker() {
    fleet.observe(missing(0, Map.of()));
    assertThat(place(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]"))).isEmpty();
  }

  @Test
  void missingWorkersSpreadOverAgentsOneSupervisorEach() {
    fleet.observe(missing(2, Map.of()));
    List<SupervisorFleet.Launch> launches = place(
        offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]"),
        offer("o2", "a2", "cpus:4;mem:8192;ports:[32000-32100]"));
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
    fleet.observe(missing(3, Map.of()));
    List<SupervisorFleet.Launch> launches = place(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]"));
    assertThat(launches).hasSize(1);
    assertThat(launches.get(0).slotPorts()).hasSize(3);
    assertThat(launches.get(0).resources().cpus()).isEqualTo(0.2 + 3 * 0.5);
  }

  @Test
  void anOfferTooSmallForOneWorkerIsNotUsed() {
    fleet.observe(missing(1, Map.of()));
    assertThat(place(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31000]"),
        offer("o2", "a2", "cpus:0.5;mem:8192;ports:[31000-31010]"),
        offer("o3", "a3", "cpus:4;mem:700;ports:[31000-31010]"))).isEmpty();
    assertThat(fleet.wanted()).isEqualTo(1);
  }

  @Test
  void slotsOfSupervisorsStillStartingCountAgainstWhatIsMissing() {
    fleet.observe(missing(1, Map.of()));
    SupervisorFleet.Launch l = place(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")).get(0);
    // Storm still misses the worker: the Supervisor has not registered yet.
    observeAt(1000, missing(1, Map.of()));
    assertThat(fleet.wanted()).isZero();
    assertThat(place(offer("o2", "a2", "cpus:4;mem:8192;ports:[32000-32100]"))).isEmpty();
    // Registered, and still one more missing: now it is asked for.
    at(2000);
    update(l.supervisorId(), TaskState.TASK_RUNNING);
    fleet.observe(missing(1, Map.of(l.supervisorId(), 1)));
    assertThat(fleet.wanted()).isEqualTo(1);
  }

  @Test
  void freeSlotsStormLeavesUnusedNeitherCallForMoreNorLetASupervisorRetire() {
    fleet.observe(missing(1, Map.of()));
    String id = place(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")).get(0).supervisorId();
    update(id, TaskState.TASK_RUNNING);
    // Registered and free, yet Storm does not place the worker there (say its host is avoided).
    for (long t = 0; t <= 3 * IDLE; t += IDLE / 2) {
      observeAt(t, new SupervisorFleet.Observation(1, 1, WORKER, Map.of(id, 0)));
      assertThat(fleet.wanted()).isZero();
    }
    assertThat(retired).isEmpty();
  }

  @Test
  void aSecondSupervisorIsNotStartedOnAnAgentWhereOneIsStarting() {
    fleet.observe(missing(1, Map.of()));
    place(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]"));
    observeAt(100, missing(2, Map.of()));
    assertThat(place(offer("o2", "a1", "cpus:3;mem:7000;ports:[31002-31100]"))).isEmpty();
  }

  @Test
  void anIdleSupervisorIsRetiredWhenTheIdleTimeoutIsOver() {
    fleet.observe(missing(1, Map.of()));
    String id = place(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")).get(0).supervisorId();
    update(id, TaskState.TASK_RUNNING);
    observeAt(1000, missing(0, Map.of(id, 1)));
    observeAt(2000, missing(0, Map.of(id, 0))); // idle from now
    observeAt(2000 + IDLE - 1, missing(0, Map.of(id, 0)));
    assertThat(retired).isEmpty();
    at(2000 + IDLE);
    assertThat(retired).containsExactly(id);
    assertThat(fleet.withheld().all()).containsExactly(id);
    // Its end is expected: it stays unusable while Storm may still list it.
    at(2000 + IDLE + 100);
    Member<SupervisorFleet.Supervisor> ended = fleet.update(id, "a1", TaskState.TASK_KILLED);
    assertThat(ended.phase()).isEqualTo(Phase.RELEASING);
    assertThat(fleet.withheld().all()).containsExactly(id);
    assertThat(fleet.supervisors()).isEmpty();
  }

  @Test
  void aTopologyWaitingForSlotsKeepsAnIdleSupervisorUntilItWaitsNoMore() {
    fleet.observe(missing(1, Map.of()));
    String id = place(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")).get(0).supervisorId();
    update(id, TaskState.TASK_RUNNING);
    observeAt(2000, missing(0, Map.of(id, 0))); // idle from now
    // Storm may place the waiting topology's workers there next round.
    observeAt(2000 + IDLE - 1, missing(1, Map.of(id, 0)));
    at(2000 + 3 * IDLE);
    assertThat(retired).isEmpty();
    observeAt(2000 + 3 * IDLE, missing(0, Map.of(id, 0)));
    assertThat(retired).containsExactly(id);
  }

  @Test
  void workOnASupervisorResetsItsIdleClock() {
    fleet.observe(missing(1, Map.of()));
    String id = place(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")).get(0).supervisorId();
    update(id, TaskState.TASK_RUNNING);
    fleet.observe(missing(0, Map.of(id, 0)));
    observeAt(IDLE / 2, missing(0, Map.of(id, 1)));
    observeAt(IDLE, missing(0, Map.of(id, 0)));
    observeAt(IDLE + IDLE / 2, missing(0, Map.of(id, 0)));
    at(2 * IDLE - 1);
    assertThat(retired).isEmpty();
    at(2 * IDLE);
    assertThat(retired).containsExactly(id);
  }

  @Test
  void anAgentWhereSupervisorsFailToStartTwiceIsAvoidedForAWhile() {
    for (int i = 0; i < SupervisorFleet.MAX_START_FAILURES; i++) {
      observeAt(i, missing(1, Map.of()));
      String id = place(offer("o" + i, "a1", "cpus:4;mem:8192;ports:[31000-31100]")).get(0).supervisorId();
      update(id, TaskState.TASK_FAILED);
    }
    observeAt(10, missing(1, Map.of()));
    assertThat(place(offer("o9", "a1", "cpus:4;mem:8192;ports:[31000-31100]"))).isEmpty();
    assertThat(place(offer("o10", "a2", "cpus:4;mem:8192;ports:[31000-31100]"))).hasSize(1);
    at(1 + SupervisorFleet.FAILED_AGENT_PAUSE.toMillis() - 1);
    assertThat(fleet.failing("a1")).isTrue();
    at(1 + SupervisorFleet.FAILED_AGENT_PAUSE.toMillis());
    assertThat(fleet.failing("a1")).isFalse();
  }

  @Test
  void aRunningTaskItDoesNotKnowIsTakenBackAfterANimbusRestart() {
    assertThat(fleet.update("supervisor-x-1", "a1", TaskState.TASK_RUNNING)).isNull();
    assertThat(fleet.supervisors()).extracting(Member::key).containsExactly("supervisor-x-1");
    assertThat(fleet.supervisors().iterator().next().phase()).isEqualTo(Phase.RUNNING);
    // A Supervisor that ended is not resurrected by a late update.
    at(1);
    update("supervisor-x-1", TaskState.TASK_FAILED);
    at(2);
    update("supervisor-x-1", TaskState.TASK_RUNNING);
    assertThat(fleet.supervisors()).isEmpty();
    assertThat(fleet.withheld().all()).containsExactly("supervisor-x-1");
  }

  @Test
  void aReplacementSupervisorAvoidsThePortsOfTheOneThatEndedOnItsAgent() {
    fleet.observe(missing(1, Map.of()));
    SupervisorFleet.Launch first = place(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")).get(0);
    assertThat(first.thriftPort()).isEqualTo(31000);
    assertThat(first.slotPorts()).containsExactly(31001);
    at(1000);
    update(first.supervisorId(), TaskState.TASK_RUNNING);
    at(2000);
    update(first.supervisorId(), TaskState.TASK_FAILED);

    // The killed Supervisor's workers' peers still know 31001 as its slot: the new one takes others.
    observeAt(3000, missing(1, Map.of()));
    SupervisorFleet.Launch second = place(offer("o2", "a1", "cpus:4;mem:8192;ports:[31000-31100]")).get(0);
    assertThat(second.thriftPort()).isEqualTo(31002);
    assertThat(second.slotPorts()).containsExactly(31003);

    // Another agent's ports are its own.
    at(4000);
    update(second.supervisorId(), TaskState.TASK_RUNNING);
    fleet.observe(missing(1, Map.of(second.supervisorId(), 1)));
    SupervisorFleet.Launch elsewhere = place(offer("o3", "a2", "cpus:4;mem:8192;ports:[31000-31100]")).get(0);
    assertThat(elsewhere.slotPorts()).containsExactly(31001);
  }

  @Test
  void whenOnlyEndedPortsAreOfferedTheyAreUsedAllTheSame() {
    fleet.observe(missing(1, Map.of()));
    SupervisorFleet.Launch first = place(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31001]")).get(0);
    at(1000);
    update(first.supervisorId(), TaskState.TASK_KILLED);
    observeAt(2000, missing(1, Map.of()));
    SupervisorFleet.Launch again = place(offer("o2", "a1", "cpus:4;mem:8192;ports:[31000-31001]")).get(0);
    assertThat(again.slotPorts()).containsExactly(31001);
  }

  @Test
  void theEndOfASupervisorIsForgottenAfterTenMinutes() {
    fleet.observe(missing(1, Map.of()));
    String id = place(offer("o1", "a1", "cpus:4;mem:8192;ports:[31000-31100]")).get(0).supervisorId();
    update(id, TaskState.TASK_KILLED);
    observeAt(Duration.ofMinutes(10).toMillis(), missing(0, Map.of()));
    assertThat(fleet.withheld().all()).containsExactly(id);
    observeAt(Duration.ofMinutes(10).toMillis() + 1, missing(0, Map.of()));
    assertThat(fleet.withheld().all()).isEmpty();
  }

  // ---- preemption notices ----

  /** A Supervisor launched and running at {@code millis} on {@code agent} (the round after says how busy it is). */
  private String running(long millis, String agent) {
    Map<String, Integer> registered = new java.util.HashMap<>();
    fleet.supervisors().forEach(s -> registered.put(s.key(), 1));
    observeAt(millis, missing(1, registered));
    String id = place(offer("o-" + agent, agent, "cpus:4;mem:8192;ports:[31000-31100]")).get(0).supervisorId();
    fleet.update(id, agent, TaskState.TASK_RUNNING);
    return id;
  }

  private static SupervisorFleet.Observation round(Map<String, Integer> used, String... drained) {
    return new SupervisorFleet.Observation(0, 0, null, used, java.util.Set.of(drained));
  }

  @Test
  void aNoticeReleasesASupervisorWithNoWorkerAtOnceAndOneStillStarting() {
    String idle = running(0, "a1");
    observeAt(1000, missing(1, Map.of(idle, 0)));
    String starting = place(offer("o2", "a2", "cpus:4;mem:8192;ports:[31000-31100]")).get(0).supervisorId();

    SupervisorFleet.Answer a = fleet.noticed(List.of(idle, starting, "not-ours"), start.plusSeconds(10));

    assertThat(a.released()).containsExactly(idle, starting);
    assertThat(a.draining()).isEmpty();
    assertThat(preempted).containsExactly(idle, starting);
    assertThat(retired).isEmpty();
    assertThat(fleet.withheld().all()).containsExactlyInAnyOrder(idle, starting);
    assertThat(fleet.withheld().draining()).isEmpty();
  }

  @Test
  void aBusySupervisorNamedIsWithheldUntilItsWorkersMovedThenReleased() {
    String busy = running(0, "a1");
    observeAt(1000, missing(0, Map.of(busy, 1)));
    Instant deadline = start.plusSeconds(10);

    assertThat(fleet.noticed(List.of(busy), deadline).draining()).containsExactly(busy);
    assertThat(preempted).isEmpty();
    assertThat(fleet.withheld().all()).containsExactly(busy);
    assertThat(fleet.withheld().draining()).containsExactly(Map.entry(busy, deadline));
    assertThat(fleet.withheld().gone()).isEmpty();
    // The same notice again (the master resends it after a failover): nothing changes.
    assertThat(fleet.noticed(List.of(busy), deadline.plusSeconds(5)).draining()).isEmpty();
    assertThat(fleet.withheld().draining()).containsExactly(Map.entry(busy, deadline));

    // A round where its worker still runs there: kept; then one where Storm's assignment has moved it.
    observeAt(2000, round(Map.of(busy, 1)));
    assertThat(preempted).isEmpty();
    observeAt(4000, round(Map.of(busy, 0), busy));
    assertThat(preempted).containsExactly(busy);
    assertThat(retired).isEmpty();

    // Killed at our request: gone, no longer draining.
    at(4100);
    update(busy, TaskState.TASK_KILLED);
    SupervisorFleet.Withheld w = fleet.withheld();
    assertThat(w.draining()).isEmpty();
    assertThat(w.all()).containsExactly(busy);
    assertThat(w.gone()).containsExactly(busy);
  }

  @Test
  void aDrainTheMasterDidNotCarryOutLapsesAfterItsDeadline() {
    String busy = running(0, "a1");
    observeAt(1000, missing(0, Map.of(busy, 1)));
    fleet.noticed(List.of(busy), start.plusSeconds(10));

    at(10_000 + SupervisorFleet.LAPSE_SLACK.toMillis() - 1);
    assertThat(fleet.withheld().all()).containsExactly(busy);
    at(10_000 + SupervisorFleet.LAPSE_SLACK.toMillis());
    assertThat(fleet.withheld().all()).as("its slots are Storm's again").isEmpty();
    assertThat(fleet.withheld().draining()).isEmpty();
    // No longer under notice: a round that finds it empty does not release it.
    observeAt(20_000, round(Map.of(busy, 0), busy));
    assertThat(preempted).isEmpty();
  }

  @Test
  void aDrainingSupervisorKilledAtTheDeadlineIsGoneAndOneLostWithItsAgentIsNot() {
    String killed = running(0, "a1");
    String lost = running(10, "a2");
    observeAt(1000, missing(0, Map.of(killed, 1, lost, 1)));
    fleet.noticed(List.of(killed, lost), start.plusSeconds(10));

    at(10_000);
    fleet.update(killed, "a1", TaskState.TASK_KILLED);
    fleet.update(lost, "a2", TaskState.TASK_LOST);

    SupervisorFleet.Withheld w = fleet.withheld();
    assertThat(w.draining()).isEmpty();
    assertThat(w.all()).containsExactlyInAnyOrder(killed, lost);
    assertThat(w.gone()).as("no worker of a lost agent's Supervisor is known to have stopped").containsExactly(killed);
    assertThat(preempted).isEmpty();
  }

  @Test
  void whileADrainWaitsForSlotsIdleSupervisorsAreKeptForItsWorkers() {
    String busy = running(0, "a1");
    String idle = running(10, "a2");
    observeAt(1000, missing(0, Map.of(busy, 1, idle, 0)));
    fleet.noticed(List.of(busy), start.plusSeconds(100));
    // Its worker counts as missing (its slot is withheld) while nowhere else has room.
    for (long t = 2000; t <= 3 * IDLE; t += 2000) {
      observeAt(t, new SupervisorFleet.Observation(1, 0, WORKER, Map.of(busy, 1, idle, 0)));
    }
    assertThat(retired).isEmpty();
    assertThat(fleet.wanted()).as("a Supervisor elsewhere for the worker").isEqualTo(1);
  }
}
