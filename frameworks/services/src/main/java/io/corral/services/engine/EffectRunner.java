package io.corral.services.engine;

import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.scheduler.SchedulerDriver;
import io.corral.services.app.ServicesEvent;
import io.corral.services.app.ServicesSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the engine's effects, in order, on the engine's loop: state changes into the store
 * (synchronously: a launch that follows is sent only once its task is stored, and a store that fails
 * throws out of {@link #run}, leaving the rest undone), calls on the current driver (dropped while
 * there is none), events to the event stream, and the latest snapshot for the API, which any thread
 * may read ({@link #snapshot}).
 *
 * <p>What status updates change ({@link #runUpdate}) is stored a little later, together: the
 * changes are kept until the loop has handled what was queued before them (the other updates of a
 * burst), or until an effect needs them stored first (a driver call, an API command's effects), then
 * written in one transaction. A thousand tasks starting are a few writes, not two thousand. What a
 * crash loses of them, a new leader learns again from the master: it reconciles every task.
 */
public final class EffectRunner {
  private static final Logger LOG = LoggerFactory.getLogger(EffectRunner.class);

  private final Supplier<SchedulerDriver> driver;
  private final EngineStore store;
  private final Consumer<ServicesEvent> events;
  private final Executor later;
  private final FrameworkInfo framework;
  private final List<StateChange> unstored = new ArrayList<>();
  private boolean storeQueued;
  private volatile ServicesSnapshot snapshot;

  /**
   * @param driver the current driver (null before the framework subscribed)
   * @param store where state changes go
   * @param events where events go (the event stream); must not block
   * @param initial the snapshot to answer before the engine's first
   */
  public EffectRunner(Supplier<SchedulerDriver> driver, EngineStore store, Consumer<ServicesEvent> events,
      ServicesSnapshot initial) {
    this(driver, store, events, initial, Runnable::run, FrameworkInfo.newBuilder().setName("services").build());
  }

  /**
   * @param later runs a task on the engine's loop after what is queued there (the store of the
   *     status updates' changes)
   * @param framework what the framework subscribed as: its roles change on it ({@link Effect.Roles})
   */
  public EffectRunner(Supplier<SchedulerDriver> driver, EngineStore store, Consumer<ServicesEvent> events,
      ServicesSnapshot initial, Executor later, FrameworkInfo framework) {
    this.driver = driver;
    this.store = store;
    this.events = events;
    this.snapshot = initial;
    this.later = later;
    this.framework = framework;
  }

  /** The latest snapshot; any thread. */
  public ServicesSnapshot snapshot() {
    return snapshot;
  }

  /** Carries out an input's effects; its state changes, and any kept before them, are stored first. */
  public void run(List<Effect> effects) {
    run(effects, false);
  }

  /** Carries out a status update's effects: its state changes may be stored with later ones. */
  public void runUpdate(List<Effect> effects) {
    run(effects, true);
  }

  /** Stores the changes kept so far. */
  private void storeKept() {
    storeQueued = false;
    if (!unstored.isEmpty()) {
      List<StateChange> changes = new ArrayList<>(unstored);
      unstored.clear();
      store.write(changes);
    }
  }

  private void run(List<Effect> effects, boolean update) {
    for (Effect e : effects) {
      if (e instanceof Effect.Persist p) {
        unstored.addAll(p.changes());
        if (!update) {
          storeKept();
        } else if (!storeQueued) {
          storeQueued = true;
          later.execute(this::storeKept);
        }
      } else if (e instanceof Effect.Publish p) {
        publish(p.event());
      } else if (e instanceof Effect.Snapshot s) {
        snapshot = s.snapshot();
      } else {
        storeKept(); // nothing reaches the master before what it follows is stored
        SchedulerDriver d = driver.get();
        if (d == null) {
          LOG.debug("no driver yet: dropped {}", e);
        } else {
          call(d, e);
        }
      }
    }
  }

  private void call(SchedulerDriver d, Effect e) {
    if (e instanceof Effect.Launch l) {
      d.launchTasks(List.of(l.offerId()), l.tasks(), refuse(l.refuseSeconds()));
    } else if (e instanceof Effect.Decline x) {
      d.declineOffer(x.offerId(), refuse(x.refuseSeconds()));
    } else if (e instanceof Effect.Kill k) {
      d.killTask(k.taskId(), k.agentId(), k.gracePeriodSeconds() == null ? null
          : io.corral.protocol.KillPolicy.newBuilder().setGracePeriodSeconds(k.gracePeriodSeconds()).build());
    } else if (e instanceof Effect.Reconcile r) {
      d.reconcileTasks(r.tasks());
    } else if (e instanceof Effect.Revive) {
      d.reviveOffers();
    } else if (e instanceof Effect.Suppress) {
      d.suppressOffers();
    } else if (e instanceof Effect.Roles r) {
      FrameworkInfo.Builder f = framework.toBuilder().clearRole().clearRoles();
      if (r.roles().size() == 1) {
        f.setRole(r.roles().get(0));
      } else {
        f.addAllRoles(r.roles());
      }
      LOG.info("the framework's roles are now {}", r.roles());
      d.updateFramework(f.build(), r.suppressed() ? r.roles() : List.of());
    }
  }

  private void publish(ServicesEvent event) {
    try {
      events.accept(event);
    } catch (RuntimeException ex) {
      LOG.warn("event {} not published: {}", event.type(), ex.toString());
    }
  }

  private static Filters refuse(double seconds) {
    return Filters.newBuilder().setRefuseSeconds(seconds).build();
  }
}
