package io.corral.services.engine;

import io.corral.bridges.common.FrameworkActor;
import io.corral.protocol.FrameworkInfo;
import io.corral.services.app.ServicesBackend;
import io.corral.services.app.ServicesEvent;
import io.corral.services.app.ServicesSnapshot;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The services framework's scheduler, assembled: the {@link Engine} on a {@link FrameworkActor}'s loop,
 * fed by the driver's callbacks ({@link EngineScheduler}), the API ({@link #backend}) and a tick every
 * second, its effects carried out by an {@link EffectRunner} over the actor's driver, the store and
 * the event stream.
 */
public final class ServicesEngine implements AutoCloseable {
  /** How often the engine's timers are looked at. */
  static final Duration TICK = Duration.ofSeconds(1);

  private final FrameworkActor actor;
  private final EngineBackend backend;

  private ServicesEngine(FrameworkActor actor, EngineBackend backend) {
    this.actor = actor;
    this.backend = backend;
  }

  /**
   * Loads the stored state and starts: subscribes as {@code framework} (with the stored framework id,
   * when {@code framework} names none, so that the tasks of the previous leader are this one's).
   * Call it once this instance leads.
   *
   * @param events where events go (the event stream); called on the loop, must not block
   */
  public static ServicesEngine start(FrameworkActor actor, FrameworkInfo framework, EngineConfig config,
      EngineStore store, Consumer<ServicesEvent> events) {
    EngineState stored = store.load();
    Engine engine = new Engine(config, actor.clock(), UUID::randomUUID, stored);
    EffectRunner runner = new EffectRunner(actor::driver, store, events, ServicesSnapshot.empty(config.leaderUrl()));
    actor.execute(() -> runner.run(engine.start()));
    FrameworkInfo info = framework.getId().isEmpty() && stored.frameworkId() != null
        ? framework.toBuilder().setId(stored.frameworkId()).build() : framework;
    actor.subscribe(info, new EngineScheduler(engine, runner));
    actor.every(TICK, () -> runner.run(engine.tick()));
    return new ServicesEngine(actor, new EngineBackend(actor.loop(), engine, runner));
  }

  /** What the REST API calls. */
  public ServicesBackend backend() {
    return backend;
  }

  /** Stops the driver without tearing the framework down (its tasks run on for the next leader), ends the loop. */
  @Override
  public void close() {
    actor.close(true);
  }
}
