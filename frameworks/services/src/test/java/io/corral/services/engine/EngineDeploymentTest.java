package io.corral.services.engine;

import static io.corral.services.engine.Fixtures.app;
import static io.corral.services.engine.Fixtures.offer;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.DeploymentView;
import io.corral.services.app.KillResult;
import io.corral.services.app.ServicesEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineDeploymentTest {
  private final EngineHarness h = new EngineHarness();

  @Test
  void aChangeOfAnAppUnderDeploymentIsRefusedUnlessForced() {
    String first = h.create(app("/web", 2));
    assertThat(h.refused(h.engine.putApp(app("/web", 3), false)).status()).isEqualTo(409);
    assertThat(h.refused(h.engine.restartApp(new AppId("/web"), false)).status()).isEqualTo(409);
    assertThat(h.refused(h.engine.deleteApp(new AppId("/web"), false)).status()).isEqualTo(409);

    String second = h.ok(h.engine.putApp(app("/web", 3), true)).deploymentId();
    assertThat(h.events.stream().filter(e -> e.type().equals("deployment_failed")).map(e -> e.fields().get("id")))
        .containsExactly(first);
    assertThat(h.snapshot.deployments()).extracting(DeploymentView::id).containsExactly(second);
    h.offers(offer("a"));
    h.runAll("/web");
    assertThat(h.tasks("/web")).hasSize(3);
    assertThat(h.snapshot.deployments()).isEmpty();
  }

  @Test
  void unknownThingsAreNotFoundAndExistingAppsConflict() {
    h.create(app("/web", 1));
    assertThat(h.refused(h.engine.createApp(app("/web", 1))).status()).isEqualTo(409);
    assertThat(h.refused(h.engine.deleteApp(new AppId("/nope"), true)).status()).isEqualTo(404);
    assertThat(h.refused(h.engine.restartApp(new AppId("/nope"), true)).status()).isEqualTo(404);
    assertThat(h.refused(h.engine.deleteDeployment("nope", false)).status()).isEqualTo(404);
    assertThat(h.refused(h.engine.killTasks(List.of("web.nope"), false, false)).status()).isEqualTo(404);
  }

  @Test
  void aDeploymentShowsItsStepsAndTellsTheEventStream() {
    String id = h.create(app("/eng/web", 1));
    DeploymentView d = h.snapshot.deployments().get(0);
    assertThat(d.affectedApps()).containsExactly(new AppId("/eng/web"));
    assertThat(d.steps()).extracting(s -> s.actions().get(0).action())
        .containsExactly("StartApplication", "ScaleApplication");
    assertThat(d.currentStep()).as("starting takes no time").isEqualTo(2);
    assertThat(d.currentActions()).extracting(a -> a.action()).containsExactly("ScaleApplication");
    h.offers(offer("a"));
    h.runAll("/eng/web");
    ServicesEvent success = h.events.stream().filter(e -> e.type().equals("deployment_success")).findFirst()
        .orElseThrow();
    assertThat(success.fields()).containsEntry("id", id).containsKeys("timestamp", "plan");
    @SuppressWarnings("unchecked")
    Map<String, Object> plan = (Map<String, Object>) success.fields().get("plan");
    assertThat(plan).containsEntry("id", id).containsKeys("original", "target", "steps", "version");
    ServicesEvent info = h.events.stream().filter(e -> e.type().equals("deployment_info")).findFirst().orElseThrow();
    assertThat(info.fields()).containsKeys("plan", "currentStep");
  }

  @Test
  void deletingAnAppKillsItsTasksAndForgetsItAtOnce() {
    h.create(app("/web", 2));
    h.offers(offer("a"));
    h.runAll("/web");
    h.ok(h.engine.deleteApp(new AppId("/web"), false));
    assertThat(h.snapshot.apps()).doesNotContainKey(new AppId("/web"));
    assertThat(h.kills).hasSize(2);
    assertThat(h.snapshot.deployments()).extracting(d -> d.steps().get(0).actions().get(0).action())
        .containsExactly("StopApplication");
    assertThat(h.refused(h.engine.createApp(app("/web", 1))).status()).as("locked while stopping").isEqualTo(409);
    h.confirmKills();
    assertThat(h.snapshot.deployments()).isEmpty();
    assertThat(h.eventTypes()).contains("app_terminated_event");
    assertThat(h.stored.apps()).isEmpty();
    assertThat(h.stored.instances()).isEmpty();
    h.create(app("/web", 1));
  }

  @Test
  void killingWithScaleLowersInstancesAndWithoutReplaces() {
    h.create(app("/web", 3));
    h.offers(offer("a"));
    h.runAll("/web");
    List<Instance> tasks = h.tasks("/web");

    KillResult replaced = h.ok(h.engine.killTasks(List.of(tasks.get(0).taskId()), false, false));
    assertThat(replaced.deployment()).isNull();
    assertThat(replaced.killed()).extracting(t -> t.id()).containsExactly(tasks.get(0).taskId());
    h.confirmKills();
    h.offers(offer("b"));
    assertThat(h.tasks("/web")).hasSize(3);
    h.runAll("/web");

    KillResult scaled = h.ok(h.engine.killTasks(List.of(tasks.get(1).taskId(), tasks.get(2).taskId()), true, false));
    assertThat(scaled.deployment()).isNotNull();
    assertThat(h.view("/web").app().instances()).isEqualTo(1);
    h.confirmKills();
    h.offers(offer("b"));
    assertThat(h.tasks("/web")).hasSize(1);
    assertThat(h.snapshot.deployments()).isEmpty();
  }

  @Test
  void anUnchangedDefinitionDeploysNothing() {
    AppDefinition app = app("/web", 1);
    h.create(app);
    h.offers(offer("a"));
    h.runAll("/web");
    AppDefinition stored = h.view("/web").app();
    h.ok(h.engine.putApp(app, false));
    assertThat(h.snapshot.deployments()).isEmpty();
    assertThat(h.view("/web").app().version()).isEqualTo(stored.version());
    assertThat(h.kills).isEmpty();
  }

  @Test
  void versionsMoveAsMarathonsDo() {
    h.create(app("/web", 1));
    AppDefinition created = h.view("/web").app();
    assertThat(created.version()).isEqualTo(created.lastConfigChangeAt()).isEqualTo(created.lastScalingAt());
    h.offers(offer("a"));
    h.runAll("/web");
    h.clock.advance(java.time.Duration.ofSeconds(5));
    h.ok(h.engine.putApp(app("/web", 2), false));
    AppDefinition scaled = h.view("/web").app();
    assertThat(scaled.version()).isAfter(created.version()).isEqualTo(scaled.lastScalingAt());
    assertThat(scaled.lastConfigChangeAt()).isEqualTo(created.lastConfigChangeAt());
    assertThat(h.snapshot.deployments().get(0).steps().get(0).actions().get(0).action())
        .isEqualTo("ScaleApplication");
  }
}
