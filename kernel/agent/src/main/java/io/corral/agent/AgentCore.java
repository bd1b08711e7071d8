package io.corral.agent;

import io.corral.agent.checkpoint.CheckpointException;
import io.corral.agent.checkpoint.CheckpointStore;
import io.corral.agent.checkpoint.CheckpointedState;
import io.corral.agent.exec.ExecutorKey;
import io.corral.agent.exec.RunCheckpoints;
import io.corral.protocol.AgentCheckpoint;
import java.util.Optional;
import io.corral.agent.exec.ExecutorRun;
import io.corral.agent.exec.ExecutorSupervisor;
import io.corral.agent.exec.TaskKey;
import io.corral.agent.updates.StatusUpdateManager;
import io.corral.common.detect.MasterDetector;
import io.corral.common.loop.EventLoop;
import io.corral.common.net.Backoff;
import io.corral.common.net.HostPort;
import io.corral.common.net.ReconnectingStream;
import io.corral.common.net.StreamConnection;
import io.corral.fetcher.Fetcher;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.AgentServiceGrpc;
import io.corral.protocol.ExecutorCall;
import io.corral.protocol.ExecutorEvent;
import io.corral.protocol.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's brain: owns its registration with the master, the executors (through the
 * supervisor) and the status update streams. Everything runs on the agent's loop.
 */
final class AgentCore implements ReconnectingStream.Handler<AgentCall, AgentEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(AgentCore.class);

  private final AgentConfig config;
  private final EventLoop loop;
  private final ReconnectingStream<AgentCall, AgentEvent> link;
  private final StatusUpdateManager updates;
  private final RunCheckpoints checkpoints;
  private final ExecutorSupervisor supervisor;
  private final Fetcher fetcher;
  private final CompletableFuture<String> registered = new CompletableFuture<>();
  private final CompletableFuture<Void> fatal = new CompletableFuture<>();
  private final CheckpointStore checkpoint;
  private final java.util.function.Consumer<String> onRegistered;
  private AgentInfo info;
  private boolean registeredOnStream;
  /** The agent id last announced to {@code onRegistered} (null: none yet). */
  private String announced;

  AgentCore(AgentConfig config, EventLoop loop, ExecutorService workers, MasterDetector detector, String endpoint,
      int agentPort, int httpPort, CheckpointStore checkpoint, java.util.function.Consumer<String> onRegistered,
      io.corral.agent.isolation.Isolators isolators) {
    this.config = config;
    this.loop = loop;
    this.checkpoint = checkpoint;
    this.onRegistered = onRegistered;
    this.info = AgentInfo.newBuilder().setHostname(config.advertiseHost()).setPort(agentPort).setHttpPort(httpPort)
        .addAllResources(config.resources().toProto()).addAllAttributes(config.attributes())
        .setVersion(Agent.VERSION).addAllIsolators(isolators.names()).build();
    this.link = new ReconnectingStream<>("master", loop, workers, detector, config.maxMessageBytes(),
        config.security() == null ? io.corral.common.security.ClientCredentials.NONE : config.security().client(),
        new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10)), this);
    this.checkpoints = new RunCheckpoints(checkpoint, () -> endpoint, loop);
    this.updates = new StatusUpdateManager(loop, this::sendUpdates, this::onTerminalAcknowledged,
        config.statusUpdateRetryMin(), config.statusUpdateRetryMax());
    this.fetcher = new Fetcher(config.fetcher(), workers);
    this.supervisor = new ExecutorSupervisor(config, loop, workers, fetcher, updates,
        () -> info, () -> endpoint, link::send, checkpoints, isolators, java.time.Clock.systemUTC());
  }

  /**
   * Registers with the master; with a recovered checkpoint, first takes back its executors and
   * tasks and waits for the live executors to reconnect (as Mesos does, so that the master hears
   * of the tasks of dead executors at once), then re-registers with the same agent id.
   */
  void start(Optional<CheckpointedState> recovered) {
    loop.execute(() -> {
      supervisor.start();
      if (recovered.isEmpty()) {
        link.start();
        return;
      }
      info = info.toBuilder().setId(recovered.get().agent().getAgentInfo().getId())
          .addAllDynamicReservations(checkpoint.readReservations().getDynamicReservationsList()).build();
      LOG.info("recovering agent {} from its checkpoint; waiting up to {} for its executors to reconnect",
          info.getId(), config.executorReregistrationTimeout());
      supervisor.recover(recovered.get(), () -> {
        LOG.info("executor recovery done; re-registering with the master as agent {}", info.getId());
        link.start();
      });
    });
  }

  /** Completes with the agent id and master address once registered. */
  CompletableFuture<String> registered() {
    return registered;
  }

  /** Completes exceptionally when the master refuses this agent for good. */
  CompletableFuture<Void> fatal() {
    return fatal;
  }

  private AgentCall.Register registration() {
    return AgentCall.Register.newBuilder()
        .setAgentInfo(info)
        .addAllFrameworks(supervisor.frameworks())
        .addAllExecutors(supervisor.customExecutors())
        .addAllTasks(supervisor.tasks(info.getId()))
        .build();
  }

  /** Updates go to the master once the checkpoints of their tasks are written. */
  private void sendUpdates(List<TaskStatus> batch) {
    AgentCall call = AgentCall.newBuilder().setUpdates(AgentCall.StatusUpdates.newBuilder().addAllUpdates(batch))
        .build();
    checkpoints.whenDurable(() -> link.send(call));
  }

  private void onTerminalAcknowledged(TaskKey key) {
    supervisor.onTerminalAcknowledged(key);
  }

  @Override
  public io.grpc.stub.StreamObserver<AgentCall> open(io.grpc.ManagedChannel channel,
      io.grpc.stub.StreamObserver<AgentEvent> responses) {
    return AgentServiceGrpc.newStub(channel).connect(responses);
  }

  @Override
  public void opened(HostPort master) {
    link.send(AgentCall.newBuilder().setRegister(registration()).build());
  }

  @Override
  public void event(AgentEvent event) {
    switch (event.getTypeCase()) {
      case REGISTERED -> {
        link.resetBackoff();
        registeredOnStream = true;
        AgentEvent.Registered r = event.getRegistered();
        boolean first = info.getId().isEmpty();
        info = info.toBuilder().setId(r.getAgentId()).build();
        String master = r.getMasterInfo().getHost() + ":" + r.getMasterInfo().getPort();
        LOG.info("agent {} {} with master {}", r.getAgentId(), first ? "registered" : "re-registered", master);
        if (first) {
          checkpointAgent();
        }
        String line = r.getAgentId() + " registered with " + master;
        registered.complete(line);
        if (!r.getAgentId().equals(announced)) {
          announced = r.getAgentId();
          onRegistered.accept(line);
        }
        updates.connected();
      }
      case PING -> link.send(AgentCall.newBuilder()
          .setPong(AgentCall.Pong.newBuilder().setSeq(event.getPing().getSeq()).setFetcher(fetcherCounters())).build());
      case RUN_TASKS -> supervisor.runTasks(event.getRunTasks().getFramework(), event.getRunTasks().getTasksList());
      case KILL_TASK -> supervisor.killTask(event.getKillTask().getFrameworkId(), event.getKillTask().getTaskId(),
          event.getKillTask().getKillPolicy(), io.corral.agent.exec.KillCause.of(event.getKillTask()));
      case ACKNOWLEDGE -> {
        for (AgentEvent.Acknowledge.Ack a : event.getAcknowledge().getAcksList()) {
          TaskKey key = new TaskKey(a.getFrameworkId(), a.getTaskId());
          List<TaskStatus> unacked = updates.unacknowledged(key);
          if (!unacked.isEmpty() && unacked.get(0).getUuid().equals(a.getUuid())) {
            updates.acknowledge(key, a.getUuid());
            supervisor.acknowledged(key, unacked.get(0));
          }
        }
      }
      case MESSAGE -> {
        AgentEvent.FrameworkMessage m = event.getMessage();
        ExecutorRun run = supervisor.runs().get(new ExecutorKey(m.getFrameworkId(), m.getExecutorId()));
        if (run != null && run.isConnected()) {
          run.send(ExecutorEvent.newBuilder().setMessage(ExecutorEvent.Message.newBuilder().setData(m.getData()))
              .build());
        } else {
          LOG.info("dropped a message for executor {}/{}: not running here", m.getFrameworkId(), m.getExecutorId());
        }
      }
      case SHUTDOWN_FRAMEWORK -> supervisor.shutdownFramework(event.getShutdownFramework().getFrameworkId());
      case UPDATE_FRAMEWORK -> {
        supervisor.updateFramework(event.getUpdateFramework().getFramework());
        updates.resendFramework(event.getUpdateFramework().getFramework().getId());
      }
      case SHUTDOWN_AGENT -> shutdownAgent(event.getShutdownAgent().getReason());
      case UPDATE_RESERVATIONS -> updateReservations(event.getUpdateReservations().getDynamicReservationsList());
      case ERROR -> {
        io.corral.protocol.Error e = event.getError();
        if (e.getFatal()) {
          LOG.error("the master refused this agent: {}", e.getMessage());
          link.close();
          fatal.completeExceptionally(new IllegalStateException("master refused this agent: " + e.getMessage()));
          registered.completeExceptionally(new IllegalStateException(e.getMessage()));
        } else {
          LOG.warn("the master reported an error about {}: {}", e.getCall(), e.getMessage());
        }
      }
      default -> LOG.warn("ignored an empty or unknown event from the master");
    }
  }

  /**
   * The master changed this agent's dynamic reservations: keep them, so that they are reported in
   * every registration from now on, also after a restart of this agent or a failover of the master.
   */
  private void updateReservations(List<io.corral.protocol.Resource> reservations) {
    info = info.toBuilder().clearDynamicReservations().addAllDynamicReservations(reservations).build();
    try {
      checkpoint.writeReservations(io.corral.protocol.ReservationsCheckpoint.newBuilder()
          .addAllDynamicReservations(reservations).build());
      LOG.info("dynamic reservations now '{}'", io.corral.common.resources.PooledResources.fromProto(reservations));
    } catch (CheckpointException e) {
      LOG.error("{}; the dynamic reservations of this agent are lost if it restarts", e.getMessage());
    }
  }

  private void checkpointAgent() {
    try {
      checkpoint.writeAgent(AgentCheckpoint.newBuilder().setAgentInfo(info).build());
    } catch (CheckpointException e) {
      LOG.error("{}; this agent cannot be recovered after a restart", e.getMessage());
    }
  }

  /**
   * The master removed this agent for good: everything it runs was reported gone. Kill it all,
   * forget it, and register again as a new agent (the master closes the stream; the link
   * reconnects with no agent id).
   */
  private void shutdownAgent(String reason) {
    LOG.warn("the master shut this agent ({}) down: {}; killing {} executor(s) and {} task(s), removing the"
        + " checkpoint and registering as a new agent", info.getId(), reason, supervisor.runs().size(),
        supervisor.tasks(info.getId()).size());
    supervisor.abandonAll();
    updates.dropAll();
    try {
      checkpoint.wipe();
    } catch (CheckpointException e) {
      LOG.error(e.getMessage());
    }
    info = info.toBuilder().clearId().clearDynamicReservations().build();
  }

  @Override
  public void ended(String why) {
    if (registeredOnStream) {
      LOG.info("lost master {} ({}); reconnecting", link.peer(), why);
    } else {
      LOG.debug("could not register with master {} ({}); retrying", link.peer(), why);
    }
    registeredOnStream = false;
    updates.disconnected();
  }

  void onExecutorCall(StreamConnection<ExecutorEvent> conn, ExecutorCall call) {
    loop.execute(() -> supervisor.onExecutorCall(conn, call));
  }

  void onExecutorStreamClosed(StreamConnection<ExecutorEvent> conn) {
    loop.execute(() -> supervisor.onExecutorStreamClosed(conn));
  }

  /** Stops executors (when configured to) and the link; completes when done. */
  CompletableFuture<Void> shutdown(boolean stopExecutors) {
    return loop.submit(() -> {
      CompletableFuture<Void> done = stopExecutors
          ? supervisor.shutdownAll(config.executorShutdownGrace())
          : CompletableFuture.completedFuture(null);
      link.close();
      return done;
    }).thenCompose(f -> f).thenCompose(v -> stopExecutors
        ? loop.submit(supervisor::settleStopped).thenCompose(f -> f)
        : CompletableFuture.<Void>completedFuture(null)).thenCompose(v -> stopExecutors ? loop.submit(() -> {
      // Nothing is left to recover: a later start is a fresh agent.
      checkpoint.wipe();
      return null;
    }) : CompletableFuture.<Void>completedFuture(null)).whenComplete((v, e) -> fetcher.close());
  }

  /** Runs a read of the agent's state on its loop. */
  <T> CompletableFuture<T> query(java.util.function.Function<AgentCore, T> reader) {
    return loop.submit(() -> reader.apply(this));
  }

  private io.corral.protocol.FetcherCounters fetcherCounters() {
    io.corral.fetcher.FetchStats f = fetcher.stats();
    return io.corral.protocol.FetcherCounters.newBuilder().setFetched(f.fetched()).setCacheHits(f.cacheHits())
        .setBytesDownloaded(f.bytesDownloaded()).setFailures(f.failures()).build();
  }

  io.corral.fetcher.FetchStats fetchStats() {
    return fetcher.stats();
  }

  AgentInfo info() {
    return info;
  }

  int pendingUpdates() {
    return updates.pending();
  }

  ExecutorSupervisor supervisor() {
    return supervisor;
  }

  /** The sandboxes of every executor run the agent has (launching, running, recovering); on the loop. */
  java.util.Set<java.nio.file.Path> liveSandboxes() {
    loop.assertInLoop();
    java.util.Set<java.nio.file.Path> live = new java.util.HashSet<>();
    supervisor.runs().values().forEach(r -> live.add(r.sandbox().toAbsolutePath().normalize()));
    return live;
  }

  Duration recoveryTimeout() {
    return config.recoveryTimeout();
  }
}
