package io.corral.agent;

import io.corral.common.detect.MasterDetector;
import io.corral.common.loop.EventLoop;
import io.corral.common.net.Grpc;
import io.corral.common.net.PeerAddressInterceptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import java.io.IOException;
import java.nio.file.Files;
import io.corral.agent.checkpoint.CheckpointStore;
import io.corral.agent.checkpoint.CheckpointedState;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Corral agent: registers its resources with the leading master and runs the executors
 * and tasks the master sends it, each executor a process of its own.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
  public static final String VERSION = "0.1.0";

  private final AgentConfig config;
  private final EventLoop loop = EventLoop.threaded("corral-agent");
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "corral-agent-worker");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private MasterDetector detector;
  private Server server;
  private io.corral.agent.http.AgentHttpServer http;
  private ExecutorService janitorThread;
  private io.corral.agent.gc.JanitorPasses janitorPasses;
  private volatile AgentCore core;
  private final List<java.util.function.Consumer<String>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public Agent(AgentConfig config) {
    this.config = config;
  }

  /**
   * Starts the agent's endpoint and begins registering with the master (returns at once). With a
   * checkpoint of an earlier run in the work dir, recovers it first (see {@link AgentConfig#recover}).
   *
   * @throws RecoveryRefusedException when the checkpoint cannot be recovered with this configuration
   */
  public Agent start() throws IOException {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    Files.createDirectories(config.workDir());
    io.corral.agent.isolation.Isolators isolators = selectIsolators();
    CheckpointStore checkpoint = CheckpointStore.under(config.workDir());
    Optional<CheckpointedState> recovered = CheckpointRecovery.prepare(config, checkpoint, isolators);
    int port = CheckpointRecovery.port(config, recovered);
    detector = MasterDetector.forSpec(config.master());
    CompletableFuture<AgentCore> pending = new CompletableFuture<>();
    try {
      server = Grpc.startServer(config.bindHost(), port, config.maxMessageBytes(), List.of(
          ServerInterceptors.intercept(new ExecutorEndpoint(pending), new PeerAddressInterceptor())),
          config.security() == null ? null : config.security().grpc());
    } catch (IOException e) {
      if (recovered.isPresent()) {
        throw new IOException("cannot bind port " + port + " again, where the executors of agent "
            + recovered.get().agent().getAgentInfo().getId() + " reconnect: " + e.getMessage(), e);
      }
      throw e;
    }
    String endpoint = new io.corral.common.net.HostPort(config.executorHost(), server.getPort()).toString();
    if (config.httpPort() >= 0) {
      try {
        http = new io.corral.agent.http.AgentHttpServer(config.bindHost(), config.httpPort(), config.workDir(),
            () -> core == null
                ? CompletableFuture.failedFuture(new io.corral.http.ApiException(503, "the agent is starting"))
                : core.query(c -> AgentStates.capture(c, config)), config.security());
      } catch (IOException e) {
        Grpc.shutdown(server);
        throw new IOException(e instanceof java.net.BindException ? "HTTP API: " + e.getMessage()
            : "could not serve HTTP on " + config.bindHost() + ":" + config.httpPort() + ": " + e.getMessage(), e);
      }
    }
    core = new AgentCore(config, loop, workers, detector, endpoint, server.getPort(),
        http == null ? 0 : config.advertiseHttpPort() > 0 ? config.advertiseHttpPort() : http.port(), checkpoint,
        line -> listeners.forEach(l -> l.accept(line)), isolators);
    pending.complete(core);
    core.start(recovered);
    startJanitor();
    LOG.info("agent {} serving executors on {} with {}; master {}", config.advertiseHost(), endpoint,
        config.resources(), config.master());
    if (config.security() != null) {
      LOG.info("security on: {}", config.security());
    }
    return this;
  }

  /**
   * The isolators this host supports of those asked for (all of them by default), with one log line
   * saying which run and how.
   *
   * @throws io.corral.agent.isolation.IsolationException when one that was asked for cannot work here
   */
  private io.corral.agent.isolation.Isolators selectIsolators() throws IOException {
    io.corral.agent.isolation.Isolators isolators = io.corral.agent.isolation.Isolators.select(config.isolation(),
        io.corral.agent.isolation.CgroupLayout.ofThisProcess());
    LOG.info("isolation: {}", isolators.description());
    return isolators;
  }

  /**
   * Log rotation (every 10 s) and sandbox garbage collection (every minute): timed on the agent's
   * loop, which knows the live sandboxes, and done on a thread of their own.
   */
  private void startJanitor() {
    io.corral.agent.gc.SandboxJanitor janitor = new io.corral.agent.gc.SandboxJanitor(config.workDir(),
        config.sandboxJanitor(), java.time.Clock.systemUTC(),
        () -> io.corral.agent.gc.SandboxJanitor.diskUsage(config.workDir()));
    if (http != null) {
      http.metrics(new io.corral.agent.http.AgentPrometheus(core.fetchStats(), janitor));
    }
    janitorThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "corral-agent-janitor");
      t.setDaemon(true);
      return t;
    });
    janitorPasses = new io.corral.agent.gc.JanitorPasses(loop, janitorThread, core::liveSandboxes)
        .every(config.sandboxJanitor().rotateEvery(), janitor::rotate)
        .every(config.sandboxJanitor().collectEvery(), janitor::collect);
  }

  /**
   * Waits until the master has registered the agent.
   *
   * @return "{@code <agent-id> registered with <host>:<port>}"
   */
  public String awaitRegistered(long timeout, TimeUnit unit)
      throws InterruptedException, TimeoutException, ExecutionException {
    return core.registered().get(timeout, unit);
  }

  /**
   * Calls {@code listener} with the registration line ("{@code <agent-id> registered with
   * <host>:<port>}") on the first registration, and again whenever the agent registers under a
   * new id (after the master shut it down). Add it before {@link #start}.
   */
  public Agent onRegistered(java.util.function.Consumer<String> listener) {
    listeners.add(listener);
    return this;
  }

  /** Completes with the registration line; fails when the master refuses this agent. */
  public CompletableFuture<String> registered() {
    return core.registered();
  }

  /** Completes exceptionally when the master refuses this agent for good. */
  public CompletableFuture<Void> fatal() {
    return core.fatal();
  }

  public String agentId() {
    return core.info().getId();
  }

  public int port() {
    return server.getPort();
  }

  /** Port of the HTTP API, or 0 when it serves none. */
  public int httpPort() {
    return http == null ? 0 : http.port();
  }

  public AgentConfig config() {
    return config;
  }

  /** Status updates not yet acknowledged by their frameworks. */
  public CompletableFuture<Integer> pendingUpdates() {
    return core.query(AgentCore::pendingUpdates);
  }

  /** Number of executor runs alive on this agent. */
  public CompletableFuture<Integer> liveExecutors() {
    return core.query(c -> c.supervisor().runs().size());
  }

  /**
   * Stops the agent. Executors are stopped too when the agent was configured with
   * {@code shutdownExecutorsOnExit}; otherwise they keep running and wait for the agent to
   * come back (for the recovery timeout).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (core != null) {
      try {
        core.shutdown(config.shutdownExecutorsOnExit())
            .get(config.executorShutdownGrace().toMillis() + 5_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        LOG.warn("executors did not all stop in time: {}", e.toString());
      }
    }
    if (janitorPasses != null) {
      janitorPasses.close();
      janitorThread.shutdownNow();
    }
    if (http != null) {
      http.close();
    }
    Grpc.shutdown(server);
    loop.close();
    workers.shutdownNow();
    if (detector != null) {
      detector.close();
    }
  }
}
