package io.corral.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.loop.ManualEventLoop;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.ServiceException;
import io.corral.services.engine.EffectRunner;
import io.corral.services.engine.Engine;
import io.corral.services.engine.EngineBackend;
import io.corral.services.engine.EngineConfig;
import io.corral.services.engine.EngineStore;
import io.corral.services.engine.EngineState;
import io.corral.services.app.ServicesSnapshot;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The API's backend before and after the engine recovered, and apps of a role the framework is not in. */
class LeaderBackendTest {
  private final ManualEventLoop loop = new ManualEventLoop();
  private final LeaderBackend backend = new LeaderBackend("services");

  private static AppDefinition app(String role) {
    return AppDefinition.builder(new AppId("/web")).cmd("sleep 1000").cpus(0.1).mem(32).role(role).build();
  }

  private void recover() {
    EngineStore none = new EngineStore() {
      @Override
      public EngineState load() {
        return EngineState.EMPTY;
      }

      @Override
      public void write(List<io.corral.services.engine.StateChange> changes) {}
    };
    Engine engine = new Engine(EngineConfig.defaults("services", "http://me:8080"), loop.clock(), UUID::randomUUID);
    backend.recovered(new EngineBackend(loop, engine,
        new EffectRunner(() -> null, none, e -> {}, ServicesSnapshot.empty("http://me:8080"))));
  }

  @Test
  void beforeTheStateIsLoadedEveryCallIsA503() {
    assertThatThrownBy(backend::snapshot).isInstanceOfSatisfying(ServiceException.class,
        e -> assertThat(e.status()).isEqualTo(503)).hasMessageContaining("has not loaded its state yet");
    assertThatThrownBy(() -> backend.createApp(app(null))).isInstanceOf(ServiceException.class);
    recover();
    assertThat(backend.snapshot().apps()).isEmpty();
  }

  @Test
  void appsInTheFrameworksRoleOrTheirTopLevelGroupsAreTakenOthersRefusedWith422() {
    recover();
    var taken = backend.createApp(app(null));
    var inRole = backend.putApp(app("services").toBuilder().id(new AppId("/other")).build(), false);
    var inGroupRole = backend.createApp(app("eng").toBuilder().id(new AppId("/eng/etl/load")).build());
    loop.runPending();
    assertThat(taken).isCompleted();
    assertThat(inRole).isCompleted();
    assertThat(inGroupRole).isCompleted();
    assertThatThrownBy(() -> backend.createApp(app("eng"))).isInstanceOfSatisfying(ServiceException.class,
        e -> assertThat(e.status()).isEqualTo(422))
        .hasMessage("role eng is not allowed for /web: expected one of [services] (the framework's --role, or "
            + "the app's top-level group)");
    assertThatThrownBy(() -> backend.createApp(app("etl").toBuilder().id(new AppId("/eng/etl/load")).build()))
        .as("a group below the top level names no role").isInstanceOfSatisfying(ServiceException.class,
            e -> assertThat(e.status()).isEqualTo(422)).hasMessageContaining("expected one of [services, eng]");
    assertThatThrownBy(() -> backend.putApp(app("eng"), true)).isInstanceOf(ServiceException.class);
  }
}
