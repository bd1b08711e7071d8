package io.corral.services.engine;

import static io.corral.services.engine.Fixtures.app;
import static io.corral.services.engine.Fixtures.offer;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.common.FrameworkActor;
import io.corral.common.loop.ManualEventLoop;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.services.app.AppId;
import io.corral.services.app.DeploymentResult;
import io.corral.services.app.ServiceException;
import io.corral.services.app.ServicesBackend;
import io.corral.services.app.ServicesEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The engine wired: driver callbacks, API commands and ticks on a framework actor's loop, effects carried out. */
class ServicesEngineTest {
  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder().setName("services").setUser("root")
      .setFailoverTimeout(604800).setCheckpoint(true).build();

  private final MemoryKeyValue kv = new MemoryKeyValue();
  private final List<ServicesEvent> events = new ArrayList<>();

  @Test
  void commandsOffersAndUpdatesFlowThroughTheLoopAndTheStore() throws Exception {
    ManualEventLoop loop = new ManualEventLoop();
    FakeDriver.Made drivers = new FakeDriver.Made();
    FrameworkActor actor = new FrameworkActor(loop, loop.clock(), drivers);
    ServicesEngine services = subscribed(actor);
    ServicesBackend api = services.backend();
    FakeDriver driver = drivers.last();
    assertThat(driver.framework.getId()).isEmpty();
    driver.callbacks.registered(driver, "fw-1", MasterInfo.getDefaultInstance());
    loop.runPending();
    assertThat(driver.take()).containsExactly("start", "reconcile []", "suppress");
    assertThat(kv.values).as("the framework id is the instance's to keep, not the engine's").isEmpty();
    assertThat(api.snapshot().frameworkId()).isEqualTo("fw-1");

    CompletableFuture<DeploymentResult> created = api.createApp(app("/web", 2));
    assertThat(created).as("answered from the loop, once stored").isNotDone();
    loop.runPending();
    assertThat(created).isCompleted();
    assertThat(kv.children("apps")).containsExactly("web");
    assertThat(driver.take()).containsExactly("revive");
    assertThat(api.snapshot().apps()).containsKey(new AppId("/web"));

    CompletableFuture<DeploymentResult> again = api.createApp(app("/web", 2));
    loop.runPending();
    assertThat(again).isCompletedExceptionally();
    try {
      again.get();
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ServiceException.class);
      assertThat(((ServiceException) e.getCause()).status()).isEqualTo(409);
    }

    driver.callbacks.resourceOffers(driver, List.of(offer("a")));
    loop.runPending();
    List<String> calls = driver.take();
    assertThat(calls.get(0)).startsWith("launch ").endsWith(" 120.0");
    assertThat(kv.children("instances")).hasSize(2);
    for (String taskId : kv.children("instances")) {
      driver.callbacks.statusUpdate(driver, TaskStatus.newBuilder().setTaskId(taskId).setAgentId("agent-a")
          .setState(TaskState.TASK_RUNNING).build());
    }
    loop.runPending();
    assertThat(api.snapshot().deployments()).isEmpty();
    assertThat(api.snapshot().apps().get(new AppId("/web")).tasksRunning()).isEqualTo(2);
    assertThat(events).extracting(ServicesEvent::type).contains("deployment_success");

    loop.advance(Duration.ofMinutes(5));
    assertThat(driver.take()).as("every task reconciled now and then").anyMatch(c -> c.startsWith("reconcile [web."));

    services.close();
    actor.close(true);
    assertThat(driver.take()).contains("stop failover");

    ManualEventLoop nextLoop = new ManualEventLoop();
    FakeDriver.Made nextDrivers = new FakeDriver.Made();
    FrameworkActor nextActor = new FrameworkActor(nextLoop, nextLoop.clock(), nextDrivers);
    ServicesEngine recovered = ServicesEngine.recover(nextActor, EngineConfig.defaults("*", "http://other:8080"),
        new KeyValueEngineStore(kv), events::add, FRAMEWORK);
    nextActor.subscribe(FRAMEWORK.toBuilder().setId("fw-1").build(), recovered.scheduler());
    FakeDriver next = nextDrivers.last();
    nextLoop.runPending();
    assertThat(recovered.backend().snapshot().apps()).as("the apps the last leader stored")
        .containsKey(new AppId("/web"));
    next.callbacks.registered(next, "fw-1", MasterInfo.getDefaultInstance());
    nextLoop.runPending();
    assertThat(next.take()).anyMatch(c -> c.startsWith("reconcile [web.")).contains("suppress");
  }

  /** The engine recovered from {@link #kv} on {@code actor}, its scheduler subscribed. */
  private ServicesEngine subscribed(FrameworkActor actor) {
    ServicesEngine services = ServicesEngine.recover(actor, EngineConfig.defaults("*", "http://me:8080"),
        new KeyValueEngineStore(kv), events::add, FRAMEWORK);
    actor.subscribe(FRAMEWORK, services.scheduler());
    return services;
  }

  @Test
  void theUpdatesOfABurstAreStoredTogetherAndBeforeAnythingFollowsThem() throws Exception {
    ManualEventLoop loop = new ManualEventLoop();
    FakeDriver.Made drivers = new FakeDriver.Made();
    FrameworkActor actor = new FrameworkActor(loop, loop.clock(), drivers);
    ServicesEngine services = subscribed(actor);
    FakeDriver driver = drivers.last();
    driver.callbacks.registered(driver, "fw-1", MasterInfo.getDefaultInstance());
    services.backend().createApp(app("/web", 50));
    loop.runPending();
    driver.callbacks.resourceOffers(driver, List.of(offer("a")));
    loop.runPending();
    List<String> taskIds = kv.children("instances");
    assertThat(taskIds).hasSize(50);
    driver.take();

    int writesBefore = kv.writes;
    for (String taskId : taskIds) {
      driver.callbacks.statusUpdate(driver, TaskStatus.newBuilder().setTaskId(taskId).setAgentId("agent-a")
          .setState(TaskState.TASK_RUNNING).build());
    }
    loop.runPending();

    assertThat(kv.writes - writesBefore).as("50 updates, one write").isEqualTo(1);
    assertThat(new String(kv.get("instances/" + taskIds.get(49)), java.nio.charset.StandardCharsets.UTF_8))
        .contains("TASK_RUNNING");
    assertThat(services.backend().snapshot().apps().get(new AppId("/web")).tasksRunning()).isEqualTo(50);

    // Kept changes go with the next command's, which is stored at once (it is answered once stored).
    writesBefore = kv.writes;
    driver.callbacks.statusUpdate(driver, TaskStatus.newBuilder().setTaskId(taskIds.get(0)).setAgentId("agent-a")
        .setState(TaskState.TASK_RUNNING).setHealthy(true).build());
    CompletableFuture<DeploymentResult> restart = services.backend().restartApp(new AppId("/web"), false);
    loop.runPending();
    assertThat(restart).isCompleted();
    assertThat(kv.writes - writesBefore).isEqualTo(1);
    assertThat(kv.children("deployments")).hasSize(1);
    services.close();
    actor.close(true);
  }
}
