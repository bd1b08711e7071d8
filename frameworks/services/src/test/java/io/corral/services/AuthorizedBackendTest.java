package io.corral.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.loop.ManualEventLoop;
import io.corral.common.security.Identity;
import io.corral.http.ApiException;
import io.corral.http.Request;
import io.corral.http.auth.Acls;
import io.corral.http.auth.Authorizer;
import io.corral.protocol.Offer;
import io.corral.protocol.Range;
import io.corral.protocol.Ranges;
import io.corral.protocol.Resource;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.ServicesSnapshot;
import io.corral.services.engine.EffectRunner;
import io.corral.services.engine.Engine;
import io.corral.services.engine.EngineBackend;
import io.corral.services.engine.EngineConfig;
import io.corral.services.engine.EngineState;
import io.corral.services.engine.EngineStore;
import io.corral.services.engine.StateChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may change which apps: manage_services by app id prefix, each change's apps checked. */
class AuthorizedBackendTest {
  private final ManualEventLoop loop = new ManualEventLoop();
  private Engine engine;
  private EffectRunner runner;
  private EngineBackend all;
  private Authorizer authorizer;
  @TempDir Path dir;

  @BeforeEach
  void setUp() throws Exception {
    Path file = dir.resolve("acls.json");
    Files.writeString(file, """
        {"manage_services": [{"principals": ["eng"], "app_ids": ["/eng"]},
                             {"principals": ["ops"], "app_ids": ["/"]}]}
        """);
    authorizer = new Authorizer(Acls.load(file));
    EngineStore none = new EngineStore() {
      @Override
      public EngineState load() {
        return EngineState.EMPTY;
      }

      @Override
      public void write(List<StateChange> changes) {}
    };
    engine = new Engine(EngineConfig.defaults("*", "https://me:8080"), loop.clock(), UUID::randomUUID);
    runner = new EffectRunner(() -> null, none, e -> {}, ServicesSnapshot.empty("https://me:8080"));
    all = new EngineBackend(loop, engine, runner);
  }

  private AuthorizedBackend as(String principal) {
    Request r = new Request("POST", "/v2/apps", null, Map.of(), null, null,
        principal == null ? null : new Identity(principal, Identity.Method.SECRET), null);
    return new AuthorizedBackend(all, authorizer, r);
  }

  private static AppDefinition app(String id, int instances) {
    return AppDefinition.builder(new AppId(id)).cmd("sleep 1000").instances(instances).cpus(0.1).mem(32).build();
  }

  private static void refused(Runnable change, String message) {
    assertThatThrownBy(change::run).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.status()).isEqualTo(403)).hasMessage(message);
  }

  @Test
  void appsAreChangedOnlyUnderThePrefixesTheCallerIsAllowed() {
    var web = as("eng").createApp(app("/eng/web", 1));
    var db = as("ops").createApp(app("/ops/db", 1));
    loop.runPending();
    assertThat(web).isCompleted();
    assertThat(db).isCompleted();
    refused(() -> as("eng").createApp(app("/ops/cache", 1)),
        "principal 'eng' may not change the services app '/ops/cache' (acls.json: manage_services)");
    refused(() -> as("eng").putApp(app("/ops/db", 3), false),
        "principal 'eng' may not change the services app '/ops/db' (acls.json: manage_services)");
    refused(() -> as("eng").deleteApp(new AppId("/ops/db"), true),
        "principal 'eng' may not change the services app '/ops/db' (acls.json: manage_services)");
    refused(() -> as("eng").restartApp(new AppId("/engine"), false),
        "principal 'eng' may not change the services app '/engine' (acls.json: manage_services)");
    refused(() -> as("ml").putApp(app("/eng/web", 2), false),
        "principal 'ml' may not change the services app '/eng/web' (acls.json: manage_services)");
    refused(() -> as(null).createApp(app("/eng/api", 1)),
        "an anonymous caller may not change the services app '/eng/api' (acls.json: manage_services)");
    var scaled = as("eng").putApp(app("/eng/web", 2), true);
    loop.runPending();
    assertThat(scaled).isCompleted();
    assertThat(as("anyone").snapshot().apps()).as("reads are anyone's").containsKeys(new AppId("/eng/web"),
        new AppId("/ops/db"));
  }

  @Test
  void tasksAndDeploymentsCountAsTheirApps() {
    as("ops").createApp(app("/ops/db", 1));
    loop.runPending();
    runner.run(engine.registered("fw"));
    runner.run(engine.offers(List.of(Offer.newBuilder().setId("o1").setFrameworkId("fw").setAgentId("a1")
        .setHostname("h1").addResources(Resource.newBuilder().setName("cpus").setScalar(4))
        .addResources(Resource.newBuilder().setName("mem").setScalar(4096))
        .addResources(Resource.newBuilder().setName("ports").setRanges(Ranges.newBuilder()
            .addRange(Range.newBuilder().setBegin(31000).setEnd(31010)))).build())));
    String task = all.snapshot().apps().get(new AppId("/ops/db")).tasks().get(0).id();
    String deployment = all.snapshot().deployments().get(0).id();

    refused(() -> as("eng").killTasks(List.of(task), false, false, false),
        "principal 'eng' may not change the services app '/ops/db' (acls.json: manage_services)");
    refused(() -> as("eng").deleteDeployment(deployment, false),
        "principal 'eng' may not change the services app '/ops/db' (acls.json: manage_services)");
    var unknown = as("eng").killTasks(List.of("ops_db.no-such-task"), false, false, false);
    loop.runPending();
    assertThat(unknown).as("a task the engine does not know is its to refuse").isCompletedExceptionally();
    var killed = as("ops").killTasks(List.of(task), false, false, false);
    loop.runPending();
    assertThat(killed).isCompleted();
  }
}
