package io.corral.services.engine;

import io.corral.bridges.common.FrameworkActor;
import io.corral.common.loop.EventLoop;
import io.corral.protocol.FrameworkInfo;
import io.corral.scheduler.Scheduler;
import io.corral.services.app.ServicesBackend;
import io.corral.services.app.ServicesEvent;
import io.corral.services.app.ServicesSnapshot;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The services framework's scheduler, assembled: the {@link Engine} on a {@link FrameworkActor}'s loop,
 * fed by the driver's callbacks ({@link #scheduler}), the API ({@link #backend}) and a tick every
 * second, its effects carried out by an {@link EffectRunner} over the actor's driver, the store and
 * the event stream. Who subscribes to the master with {@link #scheduler}, and as which framework, is
 * the caller's (the instance keeps the framework id).
 */
public final class ServicesEngine implements AutoCloseable {
  /** How often the engine's timers are looked at. */
  static final Duration TICK = Duration.ofSeconds(1);

  private final EngineScheduler scheduler;
  private final EngineBackend backend;
  private final EventLoop.Cancellable ticks;

  private ServicesEngine(EngineScheduler scheduler, EngineBackend backend, EventLoop.Cancellable ticks) {
    this.scheduler = scheduler;
    this.backend = backend;
    this.ticks = ticks;
  }

  /**
   * Loads the stored state and starts the engine on {@code actor}'s loop (its first snapshot, its
   * ticks). Call it once this instance leads, then subscribe with {@link #scheduler}.
   *
   * @param store where the state is; a write that fails throws out of the effect that made it (the
   *     caller's store must then end the instance: the engine's memory is ahead of it)
   * @param events where events go (the event stream); called on the loop, must not block
   * @param framework what the framework subscribes as (its roles change on it)
   */
  public static ServicesEngine recover(FrameworkActor actor, EngineConfig config, EngineStore store,
      Consumer<ServicesEvent> events, FrameworkInfo framework) {
    EngineState stored = store.load();
    Engine engine = new Engine(config, actor.clock(), UUID::randomUUID, stored);
    EffectRunner runner = new EffectRunner(actor::driver, store, events, ServicesSnapshot.empty(config.leaderUrl()),
        actor::execute, framework);
    actor.execute(() -> runner.run(engine.start()));
    EventLoop.Cancellable ticks = actor.every(TICK, () -> runner.run(engine.tick()));
    return new ServicesEngine(new EngineScheduler(engine, runner), new EngineBackend(actor.loop(), engine, runner),
        ticks);
  }

  /** The driver's callbacks, as the engine takes them (on the actor's loop). */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** What the REST API calls. */
  public ServicesBackend backend() {
    return backend;
  }

  /** Stops the ticks; the actor (and the driver, its tasks running on) is the caller's to close. */
  @Override
  public void close() {
    ticks.cancel();
  }
}
