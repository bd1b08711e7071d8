package io.corral.frameworks.common;

import io.corral.bridges.common.Drivers;
import io.corral.bridges.common.FrameworkActor;
import io.corral.command.CliException;
import io.corral.common.election.ZkElection;
import io.corral.frameworks.common.election.FrameworkElection;
import io.corral.frameworks.common.election.Leadership;
import io.corral.frameworks.common.http.LeaderProxy;
import io.corral.frameworks.common.store.StateStore;
import io.corral.http.Route;
import io.corral.http.server.HttpServer;
import io.corral.common.loop.EventLoop;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process of a built-in framework: what every framework's {@code main} does, around its
 * {@link FrameworkApp}. Started ({@link #start}), it serves HTTP (printing {@code <name>: <url>}
 * once it answers requests: the leader once it recovered its state, a standby once it knows the
 * leader), joins the election among the instances (or, without ZooKeeper, leads alone, its
 * state in its work dir), and once elected loads the state and subscribes to the master as the
 * framework whose id the state keeps ({@link FrameworkIdKeeper}). A standby passes API requests on
 * to the leader ({@link LeaderProxy}). Its life is {@link InstanceLifecycle}'s table, on the
 * {@link FrameworkActor}'s loop; losing the leadership or the ZooKeeper session ends it with a named
 * exit code ({@link #terminated}), and its supervisor starts it again as a standby.
 */
public final class FrameworkInstance implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FrameworkInstance.class);

  private final FrameworkApp app;
  private final FrameworkSettings settings;
  private final FrameworkActor actor;
  private final InstanceLifecycle lifecycle = new InstanceLifecycle();
  private final CompletableFuture<Integer> terminated = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Route route;
  private volatile InstancePhase phase = InstancePhase.STANDBY;
  private volatile boolean serving;
  /** How often a standby looks for the leader until it knows one (and prints its line). */
  private static final Duration LEADER_POLL = Duration.ofMillis(200);
  private PrintStream out;
  private boolean announced;
  private volatile EventLoop.Cancellable waitingForLeader;
  private HttpServer server;
  private String url;
  private FrameworkElection election;
  private StateStore store;
  private FrameworkContext context;

  private FrameworkInstance(FrameworkApp app, FrameworkSettings settings, FrameworkActor actor) {
    this.app = app;
    this.settings = settings;
    this.actor = actor;
    this.route = request -> app.errors().render(503, "starting; try again in a moment");
  }

  /**
   * Starts an instance of {@code app}: serving, in the election; its line is printed on {@code out}
   * once it answers requests (see {@link #announce}).
   * Fails with a one-line reason (port taken, work dir in use, ZooKeeper unreachable).
   *
   * @param drivers makes the master's driver ({@link Drivers#corral} but in tests)
   */
  public static FrameworkInstance start(FrameworkApp app, FrameworkSettings settings, Drivers drivers,
      PrintStream out) throws IOException {
    FrameworkInstance instance = new FrameworkInstance(app, settings,
        FrameworkActor.threaded("corral-" + settings.name(), drivers));
    try {
      instance.begin(out);
    } catch (IOException | RuntimeException e) {
      instance.close();
      throw e;
    }
    return instance;
  }

  private void begin(PrintStream out) throws IOException {
    if (settings.zk() == null) {
      store = StateStores.open(null, settings.workDir()); // first: a second instance on the work dir stops here
    }
    server = HttpServer.start(settings.bindHost(), settings.httpPort(), "corral-" + settings.name() + "-http",
        settings.httpLimits(), request -> route.handle(request), settings.httpSecurity());
    url = (settings.httpSecurity() == null ? "http" : "https") + "://" + inUrl(settings.advertiseHost()) + ":"
        + server.port();
    if (settings.zk() != null) {
      election = new FrameworkElection(settings.zk(), settings.zkSessionTimeout(), url, settings.zkDigest(),
          event -> actor.execute(() -> on(event(event))));
      try {
        election.connect();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while connecting to ZooKeeper at " + settings.zk());
      } catch (IllegalStateException e) {
        throw new IOException(e.getMessage(), e);
      }
      store = StateStores.open(election, settings.workDir());
    }
    Leadership leadership = new Leadership() {
      @Override
      public boolean leading() {
        return serving;
      }

      @Override
      public Optional<String> leaderUrl() {
        return election == null ? Optional.of(url) : election.leaderUrl();
      }
    };
    context = new FrameworkContext(settings, url, store, actor, leadership, why -> actor.execute(() -> {
      LOG.error("{}: {}", settings.name(), why);
      on(InstanceLifecycle.Event.STATE_FAILED);
    }));
    route = LeaderProxy.builder(app.api(context), leadership, url).errors(app.errors())
        .leaderHeader(app.leaderHeader()).servedHere(app::servedByEveryInstance).peerPrincipal(settings.peerPrincipal())
        .client(LeaderProxy.client(settings.httpSecurity() == null ? null : settings.httpSecurity().ssl())).build();
    this.out = out;
    if (election == null) {
      LOG.info("{} at {} leads alone; its state is in {}", settings.name(), url, store.where());
      actor.execute(() -> on(InstanceLifecycle.Event.ELECTED));
      return;
    }
    try {
      election.join();
    } catch (Exception e) {
      throw new IOException("could not join the election at " + settings.zk() + ": " + e.getMessage(), e);
    }
    LOG.info("{} at {} joined the election at {}", settings.name(), url, settings.zk());
    // A standby serves once it knows a leader to pass requests on to; the leader once it recovered.
    waitingForLeader = actor.every(LEADER_POLL, () -> {
      if (announced || election.leaderUrl().filter(leader -> !leader.equals(url)).isPresent()) {
        announce();
      }
    });
  }

  /**
   * Prints the instance's line, once, when it first serves: the leader once it recovered its state
   * (before that it answers 503), a standby once it knows the leader it passes requests on to.
   * Scripts and tests wait for this line before they call the API. On the loop.
   */
  private void announce() {
    if (waitingForLeader != null) {
      waitingForLeader.cancel();
    }
    if (!announced) {
      announced = true;
      out.println(settings.name() + ": " + url);
      out.flush();
    }
  }

  private static String inUrl(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static InstanceLifecycle.Event event(ZkElection.Event e) {
    return switch (e) {
      case ELECTED -> InstanceLifecycle.Event.ELECTED;
      case SUSPENDED -> InstanceLifecycle.Event.ZK_SUSPENDED;
      case RECONNECTED -> InstanceLifecycle.Event.ZK_RECONNECTED;
      case SESSION_LOST -> InstanceLifecycle.Event.SESSION_LOST;
      case LEADERSHIP_LOST -> InstanceLifecycle.Event.LEADERSHIP_LOST;
    };
  }

  /** Handles a lifecycle event; on the loop. */
  private void on(InstanceLifecycle.Event event) {
    InstanceLifecycle.Transition t = lifecycle.apply(event);
    serving = lifecycle.serving();
    if (t.phase() != phase) {
      phase = t.phase();
      LOG.info("{} at {} is now {}", settings.name(), url, phase);
    }
    t.action().ifPresent(action -> {
      if (action == InstanceLifecycle.Action.RECOVER) {
        recover();
      } else {
        exit(action.exitCode().orElseThrow(), event);
      }
    });
  }

  /** Elected: the framework's state, then the master (as the framework the state names). */
  private void recover() {
    try {
      FrameworkIdKeeper scheduler = new FrameworkIdKeeper(app.recover(context), store, actor, settings.frameworkInfo(),
          why -> {
            LOG.error("{}: {}", settings.name(), why);
            on(InstanceLifecycle.Event.STATE_FAILED);
          });
      scheduler.subscribe();
    } catch (IOException | RuntimeException e) {
      LOG.error("{} could not recover its state from {}: {}", settings.name(), store.where(), e.getMessage(), e);
      actor.execute(() -> on(InstanceLifecycle.Event.STATE_FAILED));
      return;
    }
    actor.execute(() -> {
      on(InstanceLifecycle.Event.RECOVERED);
      if (serving) {
        announce();
      }
    });
  }

  /** Ends the instance: no more scheduling from here on (the driver stops at once, leaving the tasks running). */
  private void exit(int code, InstanceLifecycle.Event why) {
    LOG.warn("{} at {} exits with code {} ({})", settings.name(), url, code, why);
    if (actor.driver() != null) {
      actor.driver().abort();
    }
    terminated.complete(code);
  }

  /** Asks the instance to stop (it ends with {@link ExitCodes#STOPPED}); any thread. */
  public void stop() {
    actor.execute(() -> on(InstanceLifecycle.Event.STOP));
  }

  /** Completes with the process's exit code when the instance ends (see {@link ExitCodes}). */
  public CompletableFuture<Integer> terminated() {
    return terminated.copy();
  }

  /** Where this instance serves ({@code http://host:port}). */
  public String url() {
    return url;
  }

  public InstancePhase phase() {
    return phase;
  }

  /** The election among the instances; null for one alone (without ZooKeeper). */
  FrameworkElection election() {
    return election;
  }

  /**
   * What a framework's command does: {@link #start} (printing on stdout), then {@link #runUntilExit};
   * returns the exit code. A start that fails is a {@link CliException} with its one line (exit 1).
   */
  public static int run(FrameworkApp app, FrameworkSettings settings, Drivers drivers) {
    FrameworkInstance instance;
    try {
      instance = start(app, settings, drivers, System.out);
    } catch (IOException e) {
      throw new CliException(ExitCodes.START_FAILED, settings.name() + " could not start: " + e.getMessage());
    }
    return instance.runUntilExit();
  }

  /**
   * Runs until the instance ends or the JVM is asked to stop (SIGTERM), then closes it; returns the
   * exit code. What a framework's command does once {@link #start} returned.
   */
  public int runUntilExit() {
    Thread hook = new Thread(this::close, "corral-" + settings.name() + "-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    int code = terminated.join();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
      close();
    } catch (IllegalStateException e) {
      try {
        hook.join(); // the JVM is stopping: the hook closes it
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
    return code;
  }

  /**
   * Stops the instance: the driver without tearing the framework down (its tasks keep running for
   * the next leader), the app, the election (another instance is elected at once), the store, the
   * HTTP server. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    terminated.complete(ExitCodes.STOPPED);
    actor.close(true);
    app.close();
    if (election != null) {
      election.close();
    }
    if (store != null) {
      store.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
