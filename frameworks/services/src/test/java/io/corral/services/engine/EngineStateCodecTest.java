package io.corral.services.engine;

import static io.corral.services.engine.Fixtures.app;
import static io.corral.services.engine.Fixtures.offer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.protocol.TaskState;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.Constraint;
import io.corral.services.app.FetchUri;
import io.corral.services.app.HealthCheck;
import io.corral.services.app.KillSelection;
import io.corral.services.app.PortDefinition;
import io.corral.services.app.UpgradeStrategy;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineStateCodecTest {
  private final EngineStateCodec codec = new EngineStateCodec();

  private static AppDefinition everything() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("Z", "1");
    env.put("A", "2");
    return app("/eng/web", 2).toBuilder().args(List.of("python3", "-m", "http.server")).cmd(null).user("corral-a")
        .env(env).fetch(List.of(new FetchUri("http://x/y.tgz", true, false, true, "z.tgz")))
        .portDefinitions(List.of(new PortDefinition(8080, "tcp", "http", Map.of("vip", "1")), PortDefinition.any()))
        .requirePorts(true)
        .constraints(List.of(new Constraint("hostname", Constraint.Operator.UNIQUE, null),
            new Constraint("rack", Constraint.Operator.GROUP_BY, "3")))
        .healthChecks(List.of(HealthCheck.defaults(HealthCheck.Protocol.MESOS_HTTP)))
        .upgradeStrategy(new UpgradeStrategy(0.5, 0.2)).killSelection(KillSelection.OLDEST_FIRST)
        .labels(Map.of("team", "eng")).role("eng").taskKillGracePeriodSeconds(7).build();
  }

  @Test
  void everyRecordSurvivesTheStoreAsItWas() {
    EngineHarness h = new EngineHarness();
    h.create(everything());
    h.offers(offer("a", 16, 65536, 8000, 9000, Map.of("rack", "r1")),
        offer("b", 16, 65536, 8000, 9000, Map.of("rack", "r2")));
    assertThat(h.tasks("/eng/web")).hasSize(2);
    h.status(Fixtures.status(h.tasks("/eng/web").get(0), TaskState.TASK_RUNNING));
    h.status(Fixtures.health(h.tasks("/eng/web").get(0), false));
    h.status(Fixtures.status(h.tasks("/eng/web").get(0), TaskState.TASK_FAILED));
    EngineState state = h.engine.state();
    assertThat(state.apps()).hasSize(1);
    assertThat(state.deployments()).hasSize(1);
    assertThat(state.instances()).isNotEmpty();
    assertThat(state.failures()).hasSize(1);

    MemoryKeyValue kv = new MemoryKeyValue();
    KeyValueEngineStore store = new KeyValueEngineStore(kv);
    List<StateChange> all = new java.util.ArrayList<>();
    state.apps().forEach(a -> all.add(new StateChange.PutApp(a)));
    state.deployments().forEach(d -> all.add(new StateChange.PutDeployment(d)));
    state.instances().forEach(i -> all.add(new StateChange.PutInstance(i)));
    state.failures().forEach(f -> all.add(new StateChange.PutFailure(f)));
    store.write(all);
    assertThat(kv.values.keySet()).contains("apps/eng_web", "failures/eng_web");

    EngineState loaded = store.load();
    assertThat(loaded.apps()).containsExactlyElementsOf(state.apps());
    assertThat(loaded.apps().get(0).env().keySet()).containsExactly("Z", "A");
    assertThat(loaded.deployments()).containsExactlyElementsOf(state.deployments());
    assertThat(loaded.instances()).containsExactlyInAnyOrderElementsOf(state.instances());
    assertThat(loaded.failures()).containsExactlyElementsOf(state.failures());

    store.write(List.of(new StateChange.RemoveApp(state.apps().get(0).id()),
        new StateChange.RemoveInstance(state.instances().get(0).taskId())));
    assertThat(store.load().apps()).isEmpty();
    assertThat(store.load().instances()).hasSize(state.instances().size() - 1);
  }

  @Test
  void eachChangeWritesOnlyItsOwnRecord() {
    MemoryKeyValue kv = new MemoryKeyValue();
    KeyValueEngineStore store = new KeyValueEngineStore(kv);
    EngineHarness h = new EngineHarness();
    h.create(app("/web", 100));
    h.offers(offer("a"));
    for (Effect e : h.all) {
      if (e instanceof Effect.Persist p) {
        store.write(p.changes());
      }
    }
    int before = kv.writes;
    h.status(Fixtures.status(h.tasks("/web").get(0), TaskState.TASK_RUNNING));
    List<StateChange> changes = h.all.stream().filter(e -> e instanceof Effect.Persist)
        .map(e -> ((Effect.Persist) e).changes()).reduce((a, b) -> b).orElseThrow();
    assertThat(changes).hasSize(1).allMatch(c -> c instanceof StateChange.PutInstance);
    store.write(changes);
    assertThat(kv.writes).isEqualTo(before + 1);
    assertThat(store.load().instances()).hasSize(100);
  }

  @Test
  void unknownFieldsAreSkippedAndGarbageIsNamed() {
    Instance i = new Instance("web.1", new io.corral.services.app.AppId("/web"), java.time.Instant.EPOCH,
        java.time.Instant.EPOCH, "agent-a", "a", Map.of(), List.of(31000), TaskState.TASK_RUNNING, false, null, null,
        java.time.Instant.EPOCH, null, null, false);
    String json = new String(codec.write(i), StandardCharsets.UTF_8);
    assertThat(json).contains("\"appId\":\"/web\"").contains("\"state\":\"TASK_RUNNING\"")
        .contains("\"stagedAt\":\"1970-01-01T00:00:00Z\"");
    String newer = json.replaceFirst("\\{", "{\"addedLater\":42,");
    assertThat(codec.read(newer.getBytes(StandardCharsets.UTF_8), Instance.class)).isEqualTo(i);
    assertThatThrownBy(() -> codec.read("{\"taskId\":".getBytes(StandardCharsets.UTF_8), Instance.class))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("Instance");
  }
}
