package io.corral.services.engine;

import static io.corral.services.engine.Fixtures.app;
import static io.corral.services.engine.Fixtures.offer;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.HealthCheck;
import io.corral.services.app.UpgradeStrategy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EngineRollingUpgradeTest {
  private static final String WEB = "/web";

  private EngineHarness h = new EngineHarness();

  private static AppDefinition web(int n, double minimumHealth, double maximumOver) {
    return app(WEB, n).toBuilder().healthChecks(List.of(HealthCheck.defaults(HealthCheck.Protocol.TCP)))
        .upgradeStrategy(new UpgradeStrategy(minimumHealth, maximumOver)).backoffSeconds(0).build();
  }

  /** Creates {@code app} and brings all its tasks up healthy. */
  private void deployed(AppDefinition app) {
    h.create(app);
    h.offers(offer("a"));
    h.runAll(WEB);
    h.healthyAll(WEB);
    assertThat(h.snapshot.deployments()).isEmpty();
  }

  private static AppDefinition upgraded(AppDefinition app) {
    return app.toBuilder().env(Map.of("RELEASE", "2")).build();
  }

  private Instant currentConfig() {
    return h.engine.state().apps().get(0).lastConfigChangeAt();
  }

  static Stream<Arguments> strategies() {
    List<Arguments> out = new ArrayList<>();
    for (double min : new double[] {0, 0.5, 1}) {
      for (double max : new double[] {0, 0.2, 1}) {
        for (int n : new int[] {1, 3, 5, 10}) {
          out.add(Arguments.of(min, max, n));
        }
      }
    }
    return out.stream();
  }

  /**
   * Under random timing and health outcomes (each new task healthy for good, or never), a rolling
   * upgrade never leaves fewer than ceil(n × minimumHealthCapacity) tasks serving, never has more than
   * floor(n × (1 + maximumOverCapacity)) tasks (one more when the two are equal, as Marathon allows), and
   * finishes with n healthy tasks of the new version and none of the old.
   */
  @ParameterizedTest(name = "minimumHealthCapacity {0}, maximumOverCapacity {1}, {2} instances")
  @MethodSource("strategies")
  void neverBelowTheHealthyMinimumNorAboveTheMaximumCapacity(double min, double max, int n) {
    for (long seed = 1; seed <= 8; seed++) {
      h = new EngineHarness();
      AppDefinition app = web(n, min, max);
      deployed(app);
      RollingReplace.Bounds bounds = RollingReplace.Bounds.of(n, app.upgradeStrategy());
      assertThat(bounds.maxCapacity()).isEqualTo(
          (int) Math.floor(n * (1 + max) + 1e-9) + (bounds.minHealthy() == (int) Math.floor(n * (1 + max) + 1e-9) ? 1 : 0));
      List<String> original = h.tasks(WEB).stream().map(Instance::taskId).toList();
      h.ok(h.engine.putApp(upgraded(app), false));
      Instant target = currentConfig();
      Random random = new Random(seed);
      Map<String, Boolean> good = new HashMap<>();
      int steps = 0;
      while (!h.snapshot.deployments().isEmpty()) {
        assertThat(++steps).as("seed %d: the upgrade finishes", seed).isLessThan(20_000);
        step(random, good, target);
        List<Instance> tasks = h.engine.state().instances();
        long serving = tasks.stream().filter(i -> i.ready() && !i.killRequested()).count();
        assertThat(serving).as("seed %d step %d: serving", seed, steps).isGreaterThanOrEqualTo(bounds.minHealthy());
        assertThat(tasks.size()).as("seed %d step %d: tasks", seed, steps).isLessThanOrEqualTo(bounds.maxCapacity());
      }
      List<Instance> tasks = h.engine.state().instances();
      assertThat(tasks).hasSize(n).allMatch(i -> i.configVersion().equals(target) && i.ready());
      assertThat(tasks).extracting(Instance::taskId).doesNotContainAnyElementsOf(original);
    }
  }

  /** One random thing happens: an offer, a task starts, a health result, a kill confirmed, time passes. */
  private void step(Random random, Map<String, Boolean> good, Instant target) {
    List<Instance> tasks = h.engine.state().instances();
    List<Runnable> possible = new ArrayList<>();
    possible.add(() -> h.offers(offer("host-" + random.nextInt(5))));
    possible.add(() -> h.advance(Duration.ofSeconds(1)));
    for (Instance i : tasks) {
      if (i.staged()) {
        possible.add(() -> h.status(Fixtures.status(i, TaskState.TASK_RUNNING)));
      }
      if (i.state() == TaskState.TASK_RUNNING && i.healthy() == null) {
        boolean fate = good.computeIfAbsent(i.taskId(), t -> random.nextInt(10) < 7);
        possible.add(() -> h.status(Fixtures.health(i, fate)));
      }
      if (Boolean.FALSE.equals(i.healthy()) && !i.killRequested()) {
        possible.add(() -> h.status(Fixtures.status(i, TaskState.TASK_KILLED, TaskStatusReason.REASON_TASK_UNHEALTHY)
            .toBuilder().setHealthy(false).build()));
      }
      if (i.killRequested()) {
        possible.add(() -> h.status(Fixtures.status(i, TaskState.TASK_KILLED)));
      }
    }
    possible.get(random.nextInt(possible.size())).run();
  }

  @Test
  void halfCapacityKillsHalfTheOldTasksAtOnceThenStartsNewOnes() {
    AppDefinition app = web(4, 0.5, 0);
    deployed(app);
    h.ok(h.engine.putApp(upgraded(app), false));
    assertThat(h.kills).hasSize(2);
    h.offers(offer("b"));
    assertThat(h.tasks(WEB)).as("no room until the old ones end").hasSize(4);
    h.confirmKills();
    h.offers(offer("b"));
    assertThat(h.tasks(WEB)).hasSize(4);
    assertThat(h.tasks(WEB).stream().filter(i -> i.host().equals("b"))).hasSize(2);
  }

  @Test
  void fullCapacityWithoutOverCapacityRunsOneExtraTaskAtATime() {
    AppDefinition app = web(3, 1, 0);
    deployed(app);
    h.ok(h.engine.putApp(upgraded(app), false));
    assertThat(h.kills).isEmpty();
    h.offers(offer("b"));
    assertThat(h.tasks(WEB)).hasSize(4);
    h.runAll(WEB);
    h.offers(offer("b"));
    assertThat(h.tasks(WEB)).hasSize(4);
    assertThat(h.kills).as("the new task does not serve yet").isEmpty();
    h.healthyAll(WEB);
    assertThat(h.kills).hasSize(1);
  }

  @Test
  void noMinimumKillsEveryOldTaskAtOnce() {
    AppDefinition app = web(3, 0, 0);
    deployed(app);
    h.ok(h.engine.putApp(upgraded(app), false));
    assertThat(h.kills).hasSize(3);
    h.offers(offer("b"));
    assertThat(h.launched).as("nothing new before the old ones end").hasSize(3);
    h.confirmKills();
    h.offers(offer("b"));
    assertThat(h.launched).hasSize(6);
  }

  @Test
  void aVersionThatNeverBecomesHealthyLeavesTheOldServingUntilRolledBack() {
    AppDefinition app = web(3, 1, 0);
    deployed(app);
    List<String> old = h.tasks(WEB).stream().map(Instance::taskId).toList();
    String upgrade = h.ok(h.engine.putApp(upgraded(app), false)).deploymentId();
    for (int round = 0; round < 20; round++) {
      h.offers(offer("b"));
      h.runAll(WEB);
      for (Instance i : h.tasks(WEB)) {
        if (i.state() == TaskState.TASK_RUNNING && i.healthy() == null) {
          h.status(Fixtures.health(i, false));
          h.status(Fixtures.status(i, TaskState.TASK_KILLED, TaskStatusReason.REASON_TASK_UNHEALTHY));
        }
      }
      h.advance(Duration.ofSeconds(30));
    }
    assertThat(h.kills).isEmpty();
    assertThat(h.tasks(WEB)).extracting(Instance::taskId).containsAll(old);
    assertThat(h.snapshot.deployments()).extracting(d -> d.id()).containsExactly(upgrade);
    assertThat(h.view(WEB).lastTaskFailure()).isNotNull();

    h.offers(offer("b"));
    h.runAll(WEB);
    String rollback = h.ok(h.engine.deleteDeployment(upgrade, false)).deploymentId();
    assertThat(h.eventTypes()).contains("deployment_failed");
    assertThat(h.view(WEB).app().env()).isEmpty();
    assertThat(h.kills).as("only the new task").hasSize(1).doesNotContainAnyElementsOf(old);
    assertThat(h.snapshot.deployments()).extracting(d -> d.id()).containsExactly(rollback);
    h.confirmKills();
    assertThat(h.snapshot.deployments()).isEmpty();
    assertThat(h.tasks(WEB)).extracting(Instance::taskId).containsExactlyElementsOf(old);
  }

  @Test
  void forcingTheDeploymentOffStopsItWhereItIs() {
    AppDefinition app = web(3, 1, 0);
    deployed(app);
    String upgrade = h.ok(h.engine.putApp(upgraded(app), false)).deploymentId();
    h.offers(offer("b"));
    h.runAll(WEB);
    h.ok(h.engine.deleteDeployment(upgrade, true));
    assertThat(h.snapshot.deployments()).isEmpty();
    assertThat(h.view(WEB).app().env()).containsEntry("RELEASE", "2");
    assertThat(h.kills).as("the surplus task, which does not serve yet").hasSize(1);
    assertThat(h.task(h.kills.get(0)).host()).isEqualTo("b");
  }

  @Test
  void aRestartReplacesEveryTaskWithTheSameDefinition() {
    AppDefinition app = web(2, 1, 1);
    deployed(app);
    List<String> old = h.tasks(WEB).stream().map(Instance::taskId).toList();
    h.ok(h.engine.restartApp(app.id(), false));
    h.offers(offer("b"));
    h.runAll(WEB);
    h.healthyAll(WEB);
    h.confirmKills();
    assertThat(h.snapshot.deployments()).isEmpty();
    assertThat(h.tasks(WEB)).hasSize(2).extracting(Instance::taskId).doesNotContainAnyElementsOf(old);
    assertThat(h.view(WEB).app().cmd()).isEqualTo(app.cmd());
  }
}
