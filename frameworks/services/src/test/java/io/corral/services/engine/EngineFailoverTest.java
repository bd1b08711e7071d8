package io.corral.services.engine;

import static io.corral.services.engine.Fixtures.app;
import static io.corral.services.engine.Fixtures.offer;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.HealthCheck;
import io.corral.services.app.UpgradeStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A new leader carries on from what the old one stored. */
class EngineFailoverTest {
  private EngineHarness h = new EngineHarness();

  private static AppDefinition web(int n) {
    return app("/web", n).toBuilder().healthChecks(List.of(HealthCheck.defaults(HealthCheck.Protocol.TCP)))
        .upgradeStrategy(new UpgradeStrategy(1, 0)).build();
  }

  /** What the master answers a reconciliation with, for a task it knows running (healthy as given). */
  private static TaskStatus answer(Instance i, TaskState state, Boolean healthy) {
    TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(i.taskId()).setAgentId(i.agentId()).setState(state)
        .setReason(TaskStatusReason.REASON_RECONCILIATION);
    if (healthy != null) {
      s.setHealthy(healthy);
    }
    return s.build();
  }

  @Test
  void theNewLeaderReconcilesLaunchesNothingTwiceReplacesTheLostAndFinishesTheDeployment() {
    AppDefinition app = web(3);
    h.create(app);
    h.offers(offer("a"));
    h.runAll("/web");
    h.healthyAll("/web");
    h.ok(h.engine.putApp(app.toBuilder().env(Map.of("RELEASE", "2")).build(), false));
    h.offers(offer("b"));
    List<Instance> before = h.engine.state().instances();
    assertThat(before).hasSize(4);
    String deployment = h.snapshot.deployments().get(0).id();

    EngineHarness next = h.failover();
    assertThat(next.snapshot.deployments()).extracting(d -> d.id()).containsExactly(deployment);
    List<Effect.Reconcile> asked = next.all.stream().filter(e -> e instanceof Effect.Reconcile)
        .map(e -> (Effect.Reconcile) e).toList();
    assertThat(asked.get(0).tasks()).extracting(TaskStatus::getTaskId)
        .containsExactlyInAnyOrderElementsOf(before.stream().map(Instance::taskId).toList());
    assertThat(asked).as("and the tasks it may not know").anyMatch(r -> r.tasks().isEmpty());

    next.offers(offer("c"), offer("d"));
    assertThat(next.launched).as("every stored task counts until the master says otherwise").isEmpty();

    Instance lostOld = before.get(0);
    Instance newTask = before.get(3);
    next.status(answer(lostOld, TaskState.TASK_UNKNOWN, null));
    next.status(answer(before.get(1), TaskState.TASK_RUNNING, true));
    next.status(answer(before.get(2), TaskState.TASK_RUNNING, true));
    next.status(answer(newTask, TaskState.TASK_RUNNING, null));
    next.offers(offer("c"));
    assertThat(next.launched).as("one new task in the lost one's room").hasSize(1);
    assertThat(next.kills).isEmpty();

    for (int round = 0; round < 6 && !next.snapshot.deployments().isEmpty(); round++) {
      next.runAll("/web");
      next.healthyAll("/web");
      next.confirmKills();
      next.offers(offer("c"));
    }
    assertThat(next.snapshot.deployments()).isEmpty();
    assertThat(next.tasks("/web")).hasSize(3).allMatch(Instance::ready)
        .allMatch(i -> i.configVersion().equals(next.view("/web").app().lastConfigChangeAt()));
    assertThat(next.eventTypes()).contains("deployment_success");
  }

  @Test
  void aTaskStoredButNeverLaunchedIsReplaced() {
    h.create(app("/web", 1));
    h.offers(offer("a"));
    Instance launchedNowhere = h.tasks("/web").get(0);
    EngineHarness next = h.failover();
    next.status(answer(launchedNowhere, TaskState.TASK_UNKNOWN, null));
    next.offers(offer("b"));
    assertThat(next.tasks("/web")).extracting(Instance::host).containsExactly("b");
  }

  @Test
  void killsAskedBeforeTheFailoverAreAskedAgain() {
    h.create(app("/web", 2));
    h.offers(offer("a"));
    h.runAll("/web");
    h.ok(h.engine.putApp(app("/web", 1), false));
    String killed = h.kills.get(0);
    EngineHarness next = h.failover();
    assertThat(next.kills).isEmpty();
    next.advance(Duration.ofSeconds(10));
    assertThat(next.kills).containsExactly(killed);
    next.confirmKills();
    assertThat(next.snapshot.deployments()).isEmpty();
  }

  @Test
  void theStoredStateIsTheEnginesState() {
    h.create(app("/web", 2));
    h.offers(offer("a"));
    h.runAll("/web");
    h.ok(h.engine.putApp(app("/web", 3), false));
    h.status(Fixtures.status(h.tasks("/web").get(0), TaskState.TASK_FAILED));
    EngineState live = h.engine.state();
    assertThat(h.stored.apps()).containsExactlyInAnyOrderElementsOf(live.apps());
    assertThat(h.stored.deployments()).containsExactlyInAnyOrderElementsOf(live.deployments());
    assertThat(h.stored.failures()).containsExactlyInAnyOrderElementsOf(live.failures());
    assertThat(h.stored.instances()).containsExactlyInAnyOrderElementsOf(live.instances());
  }
}
