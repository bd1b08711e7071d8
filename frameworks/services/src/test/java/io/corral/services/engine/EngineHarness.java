package io.corral.services.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.AppStatusView;
import io.corral.services.app.ServiceException;
import io.corral.services.app.ServicesEvent;
import io.corral.services.app.ServicesSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An engine on a manual clock with deterministic ids, whose effects are recorded as the driver, the
 * store and the event stream would get them: launches, kills, declines, the stored state (applied),
 * events and the latest snapshot.
 */
final class EngineHarness {
  final ManualClock clock;
  final AtomicLong ids;
  final EngineConfig config = EngineConfig.defaults("*", "http://services:8080");
  Engine engine;
  EngineState stored = EngineState.EMPTY;
  final Map<String, TaskInfo> launched = new LinkedHashMap<>();
  final List<String> kills = new ArrayList<>();
  final List<String> declined = new ArrayList<>();
  final List<ServicesEvent> events = new ArrayList<>();
  final List<Effect> all = new ArrayList<>();
  ServicesSnapshot snapshot;
  boolean suppressed;
  /** The framework's roles as the engine last set them (it subscribes in its own). */
  List<String> roles = List.of("*");

  EngineHarness() {
    this(new ManualClock(), new AtomicLong());
    engine = new Engine(config, clock, this::uuid);
    apply(engine.start());
    apply(engine.registered("fw"));
  }

  private EngineHarness(ManualClock clock, AtomicLong ids) {
    this.clock = clock;
    this.ids = ids;
  }

  /** A new leader: an engine built from what this one stored, on the same clock, registered. */
  EngineHarness failover() {
    EngineHarness next = new EngineHarness(clock, ids);
    next.stored = stored;
    next.engine = new Engine(config, clock, next::uuid, stored);
    next.apply(next.engine.start());
    next.apply(next.engine.registered("fw"));
    return next;
  }

  private UUID uuid() {
    return new UUID(0, ids.incrementAndGet());
  }

  List<Effect> apply(List<Effect> effects) {
    all.addAll(effects);
    for (Effect e : effects) {
      if (e instanceof Effect.Persist p) {
        stored = stored.with(p.changes());
      } else if (e instanceof Effect.Launch l) {
        l.tasks().forEach(t -> launched.put(t.getTaskId(), t));
      } else if (e instanceof Effect.Kill k) {
        kills.add(k.taskId());
      } else if (e instanceof Effect.Decline d) {
        declined.add(d.offerId());
      } else if (e instanceof Effect.Publish p) {
        events.add(p.event());
      } else if (e instanceof Effect.Snapshot s) {
        snapshot = s.snapshot();
      } else if (e instanceof Effect.Revive) {
        suppressed = false;
      } else if (e instanceof Effect.Suppress) {
        suppressed = true;
      } else if (e instanceof Effect.Roles r) {
        roles = r.roles();
        suppressed = r.suppressed();
      }
    }
    return effects;
  }

  <T> T ok(Result<T> r) {
    assertThat(r.error()).as("command refused").isNull();
    apply(r.effects());
    return r.value();
  }

  ServiceException refused(Result<?> r) {
    assertThat(r.error()).as("command accepted").isNotNull();
    assertThat(r.effects()).isEmpty();
    return r.error();
  }

  List<Effect> offers(Offer... offers) {
    return apply(engine.offers(Arrays.asList(offers)));
  }

  List<Effect> status(TaskStatus s) {
    return apply(engine.status(s));
  }

  List<Effect> tick() {
    return apply(engine.tick());
  }

  void advance(Duration d) {
    clock.advance(d);
    tick();
  }

  /** The engine's tasks of {@code app} that have not ended, in launch order. */
  List<Instance> tasks(String app) {
    return engine.state().instances().stream().filter(i -> i.appId().equals(new AppId(app))).toList();
  }

  Instance task(String taskId) {
    return engine.state().instances().stream().filter(i -> i.taskId().equals(taskId)).findFirst().orElseThrow();
  }

  /** Moves every staged task of {@code app} to running. */
  void runAll(String app) {
    for (Instance i : tasks(app)) {
      if (i.staged()) {
        status(Fixtures.status(i, TaskState.TASK_RUNNING));
      }
    }
  }

  /** Reports every running task of {@code app} not yet judged healthy as healthy. */
  void healthyAll(String app) {
    for (Instance i : tasks(app)) {
      if (i.state() == TaskState.TASK_RUNNING && i.healthy() == null) {
        status(Fixtures.health(i, true));
      }
    }
  }

  /** The kernel confirms every kill asked so far of a task still known. */
  void confirmKills() {
    for (String id : List.copyOf(kills)) {
      engine.state().instances().stream().filter(i -> i.taskId().equals(id)).findFirst()
          .ifPresent(i -> status(Fixtures.status(i, TaskState.TASK_KILLED)));
    }
  }

  AppStatusView view(String app) {
    return snapshot.apps().get(new AppId(app));
  }

  List<String> eventTypes() {
    return events.stream().map(ServicesEvent::type).toList();
  }

  String create(AppDefinition app) {
    return ok(engine.createApp(app)).deploymentId();
  }
}
