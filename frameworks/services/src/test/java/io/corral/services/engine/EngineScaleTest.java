package io.corral.services.engine;

import static io.corral.services.engine.Fixtures.app;
import static io.corral.services.engine.Fixtures.offer;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.Constraint;
import io.corral.services.app.HealthCheck;
import io.corral.services.app.KillSelection;
import io.corral.services.app.PortDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineScaleTest {
  private final EngineHarness h = new EngineHarness();

  @Test
  void aNewAppIsLaunchedOnOffersAndItsDeploymentEndsOnceItRuns() {
    assertThat(h.suppressed).as("nothing wanted yet").isTrue();
    String deployment = h.create(app("/eng/web", 3));
    assertThat(h.suppressed).as("revived for the new tasks").isFalse();
    assertThat(h.snapshot.deployments()).extracting(d -> d.id()).containsExactly(deployment);
    assertThat(h.view("/eng/web").deploymentIds()).containsExactly(deployment);

    h.offers(offer("a"));
    assertThat(h.launched).hasSize(3);
    assertThat(h.launched.keySet()).allMatch(id -> id.startsWith("eng_web."));
    assertThat(h.stored.instances()).hasSize(3);
    assertThat(h.suppressed).as("nothing more wanted").isTrue();
    assertStoredBeforeLaunched();
    assertThat(h.view("/eng/web").tasksStaged()).isEqualTo(3);

    h.runAll("/eng/web");
    assertThat(h.snapshot.deployments()).isEmpty();
    assertThat(h.view("/eng/web").tasksRunning()).isEqualTo(3);
    assertThat(h.eventTypes()).containsSubsequence("deployment_info", "deployment_step_success", "deployment_info",
        "status_update_event", "deployment_step_success", "deployment_success");
    assertThat(h.stored.deployments()).isEmpty();
  }

  @Test
  void severalTasksShareAnOfferAsFarAsItHolds() {
    h.create(app("/web", 5));
    h.offers(offer("a", 0.25, 1000, 31000, 31999, Map.of()), offer("b", 0.1, 1000, 31000, 31999, Map.of()));
    assertThat(h.launched.values()).extracting(t -> t.getAgentId())
        .containsExactly("agent-a", "agent-a", "agent-b");
    assertThat(h.suppressed).isFalse();
  }

  @Test
  void scalesUpAndDownKillingTheYoungestFirst() {
    h.create(app("/web", 3));
    h.offers(offer("a"));
    List<String> byStart = startOneByOne("/web");

    h.ok(h.engine.putApp(app("/web", 5), false));
    h.offers(offer("a"));
    assertThat(h.tasks("/web")).hasSize(5);
    byStart.addAll(startOneByOne("/web"));
    assertThat(h.snapshot.deployments()).isEmpty();

    h.ok(h.engine.putApp(app("/web", 2), false));
    assertThat(h.kills).containsExactlyInAnyOrderElementsOf(byStart.subList(2, 5));
    assertThat(h.snapshot.deployments()).hasSize(1);
    h.confirmKills();
    assertThat(h.snapshot.deployments()).isEmpty();
    assertThat(h.tasks("/web")).extracting(Instance::taskId).containsExactlyElementsOf(byStart.subList(0, 2));
  }

  @Test
  void oldestFirstKillsTheOldest() {
    AppDefinition app = app("/web", 4).toBuilder().killSelection(KillSelection.OLDEST_FIRST).build();
    h.create(app);
    h.offers(offer("a"));
    List<String> byStart = startOneByOne("/web");
    h.ok(h.engine.putApp(app.withInstances(1), false));
    assertThat(h.kills).containsExactlyInAnyOrderElementsOf(byStart.subList(0, 3));
  }

  @Test
  void scalingDownTakesUnhealthyAndStagingTasksFirst() {
    AppDefinition app = app("/web", 4).toBuilder().healthChecks(List.of(HealthCheck.defaults(HealthCheck.Protocol.HTTP)))
        .build();
    h.create(app);
    h.offers(offer("a"));
    List<Instance> tasks = h.tasks("/web");
    h.status(Fixtures.status(tasks.get(0), TaskState.TASK_RUNNING));
    h.status(Fixtures.status(tasks.get(1), TaskState.TASK_RUNNING));
    h.status(Fixtures.status(tasks.get(2), TaskState.TASK_RUNNING));
    h.status(Fixtures.health(h.task(tasks.get(0).taskId()), true));
    h.status(Fixtures.health(h.task(tasks.get(1).taskId()), false));
    h.status(Fixtures.health(h.task(tasks.get(2).taskId()), true));
    assertThat(h.view("/web").tasksUnhealthy()).isEqualTo(1);
    assertThat(h.view("/web").tasksHealthy()).isEqualTo(2);

    h.ok(h.engine.putApp(app.withInstances(2), true));
    assertThat(h.kills).containsExactlyInAnyOrder(tasks.get(1).taskId(), tasks.get(3).taskId());
  }

  @Test
  void uniqueHostnamePlacesOneTaskPerHost() {
    h.create(app("/web", 3).toBuilder()
        .constraints(List.of(new Constraint("hostname", Constraint.Operator.UNIQUE, null))).build());
    h.offers(offer("a"), offer("a"), offer("b"));
    assertThat(h.launched.values()).extracting(t -> t.getAgentId()).containsExactly("agent-a", "agent-b");
    assertThat(h.declined).hasSize(1);
    assertThat(h.suppressed).as("one task still waits").isFalse();
    h.offers(offer("b"), offer("c"));
    assertThat(h.launched.values()).extracting(t -> t.getAgentId())
        .containsExactly("agent-a", "agent-b", "agent-c");
  }

  @Test
  void groupByOverRacksSpreadsEvenly() {
    h.create(app("/web", 6).toBuilder()
        .constraints(List.of(new Constraint("rack", Constraint.Operator.GROUP_BY, "3"))).build());
    for (int round = 0; round < 6; round++) {
      h.offers(offer("a", Map.of("rack", "r1")), offer("b", Map.of("rack", "r1")), offer("c", Map.of("rack", "r2")),
          offer("d", Map.of("rack", "r3")));
    }
    assertThat(h.tasks("/web")).hasSize(6);
    assertThat(h.tasks("/web").stream().collect(java.util.stream.Collectors.groupingBy(
        i -> i.attributes().get("rack"), java.util.stream.Collectors.counting())))
        .containsEntry("r1", 2L).containsEntry("r2", 2L).containsEntry("r3", 2L);
  }

  @Test
  void maxPerLimitsTasksPerHost() {
    h.create(app("/web", 5).toBuilder()
        .constraints(List.of(new Constraint("hostname", Constraint.Operator.MAX_PER, "2"))).build());
    h.offers(offer("a"), offer("b"));
    assertThat(h.tasks("/web")).hasSize(4);
    h.offers(offer("a"));
    assertThat(h.tasks("/web")).hasSize(4);
    h.offers(offer("c"));
    assertThat(h.tasks("/web")).hasSize(5);
  }

  @Test
  void portsNotOfferedMeanNoPlacement() {
    h.create(app("/web", 1).toBuilder().portDefinitions(List.of(PortDefinition.of(8080))).requirePorts(true).build());
    h.offers(offer("a"), offer("b", 16, 1000, 1, 0, Map.of()));
    assertThat(h.launched).isEmpty();
    assertThat(h.declined).hasSize(2);
    h.offers(offer("c", 16, 1000, 8000, 8100, Map.of()));
    Instance task = h.tasks("/web").get(0);
    assertThat(task.ports()).containsExactly(8080);
    assertThat(task.host()).isEqualTo("c");
  }

  @Test
  void anAppPlacesOnlyOnOffersOfItsRole() {
    h.create(app("/web", 1).toBuilder().role("eng").build());
    h.create(app("/other", 1));
    Offer forStar = offer("a").toBuilder().setAllocationRole("*").build();
    h.offers(forStar);
    assertThat(h.tasks("/web")).isEmpty();
    assertThat(h.tasks("/other")).hasSize(1);
    h.offers(offer("b").toBuilder().setAllocationRole("eng").build());
    assertThat(h.tasks("/web")).hasSize(1);
  }

  @Test
  void tasksStagingTooLongAreKilledAndReplaced() {
    h.create(app("/web", 1));
    h.offers(offer("a"));
    Instance stuck = h.tasks("/web").get(0);
    h.advance(h.config.launchTimeout());
    assertThat(h.kills).containsExactly(stuck.taskId());
    h.confirmKills();
    h.offers(offer("b"));
    assertThat(h.tasks("/web")).extracting(Instance::host).containsExactly("b");
  }

  @Test
  void unansweredKillsAreSentAgain() {
    h.create(app("/web", 2));
    h.offers(offer("a"));
    h.runAll("/web");
    h.ok(h.engine.putApp(app("/web", 1), false));
    assertThat(h.kills).hasSize(1);
    h.advance(Duration.ofSeconds(5));
    assertThat(h.kills).hasSize(1);
    h.advance(Duration.ofSeconds(5));
    assertThat(h.kills).hasSize(2).containsOnly(h.kills.get(0));
  }

  /** Starts the app's staged tasks one second apart, in launch order; their ids in that order. */
  private List<String> startOneByOne(String app) {
    List<String> out = new ArrayList<>();
    for (Instance i : h.tasks(app)) {
      if (i.staged()) {
        h.clock.advance(Duration.ofSeconds(1));
        h.status(Fixtures.status(i, TaskState.TASK_RUNNING));
        out.add(i.taskId());
      }
    }
    return out;
  }

  /** Every launched task was in a Persist effect before its Launch effect. */
  private void assertStoredBeforeLaunched() {
    java.util.Set<String> stored = new java.util.HashSet<>();
    for (Effect e : h.all) {
      if (e instanceof Effect.Persist p) {
        p.changes().stream().filter(c -> c instanceof StateChange.PutInstance)
            .forEach(c -> stored.add(((StateChange.PutInstance) c).instance().taskId()));
      } else if (e instanceof Effect.Launch l) {
        l.tasks().forEach(t -> assertThat(stored).as("stored before its launch").contains(t.getTaskId()));
      }
    }
  }

  @Test
  void aThousandInstancesGoOutInOneRoundOfOffers() {
    h.create(app("/big", 1000).toBuilder().cpus(0.01).mem(16).build());
    h.offers(offer("a", 4, 8192, 31000, 32999, Map.of()), offer("b", 4, 8192, 31000, 32999, Map.of()),
        offer("c", 4, 8192, 31000, 32999, Map.of()));
    assertThat(h.launched).hasSize(1000);
    h.runAll("/big");
    assertThat(h.view("/big").tasksRunning()).isEqualTo(1000);
    assertThat(h.snapshot.deployments()).isEmpty();
    h.ok(h.engine.putApp(app("/big", 0).toBuilder().cpus(0.01).mem(16).build(), false));
    assertThat(h.kills).hasSize(1000);
  }

  @Test
  void appIdsAreTaskIdPrefixes() {
    h.create(app("/eng/web", 1));
    h.offers(offer("a"));
    String id = h.launched.keySet().iterator().next();
    assertThat(AppId.ofTaskId(id)).isEqualTo(new AppId("/eng/web"));
  }
}
