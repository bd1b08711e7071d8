package io.corral.executor;

import com.google.protobuf.ByteString;
import io.corral.common.DriverRuntime;
import io.corral.common.DriverStatus;
import io.corral.common.Env;
import io.corral.common.detect.MasterDetector;
import io.corral.common.loop.EventLoop;
import io.corral.common.net.Backoff;
import io.corral.common.net.Grpc;
import io.corral.common.net.HostPort;
import io.corral.common.net.ReconnectingStream;
import io.corral.common.security.ClientCredentials;
import io.corral.common.security.TlsFiles;
import io.corral.common.task.StatusUuids;
import io.corral.common.task.TaskStates;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorCall;
import io.corral.protocol.ExecutorEvent;
import io.corral.protocol.ExecutorServiceGrpc;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusSource;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor driver: connects to the agent given in the environment, turns its events
 * into {@link Executor} callbacks, and delivers status updates reliably.
 *
 * <p>Threads: one driver thread owns the connection and all state; one callback thread
 * runs the executor's callbacks, in order. If the agent goes away the driver reconnects
 * until {@code CORRAL_RECOVERY_TIMEOUT}, then shuts the executor down and stops.
 */
public final class CorralExecutorDriver implements ExecutorDriver {
  private static final Logger LOG = LoggerFactory.getLogger(CorralExecutorDriver.class);

  private final Executor executor;
  private final HostPort agentEndpoint;
  private final String frameworkId;
  private final String executorId;
  private final String containerId;
  private final String token;
  private final Duration recoveryTimeout;
  private final Duration shutdownGrace;
  private final DriverRuntime runtime = new DriverRuntime("executor");
  private final EventLoop loop = runtime.loop();

  // Driver-thread state.
  private final ReconnectingStream<ExecutorCall, ExecutorEvent> stream;
  private boolean subscribed;
  private boolean everSubscribed;
  private String agentId = "";
  private EventLoop.Cancellable recoveryTimer;
  private boolean shuttingDown;
  private boolean stopWhenAcknowledged;
  private final Map<ByteString, TaskStatus> unacknowledged = new LinkedHashMap<>();
  private final Map<String, TaskInfo> tasks = new LinkedHashMap<>();

  /** A driver configured from the environment the agent gave the executor. */
  public CorralExecutorDriver(Executor executor) {
    this(executor, System.getenv());
  }

  public CorralExecutorDriver(Executor executor, Map<String, String> env) {
    this.executor = executor;
    this.agentEndpoint = HostPort.parse(require(env, Env.AGENT_ENDPOINT));
    this.frameworkId = require(env, Env.FRAMEWORK_ID);
    this.executorId = require(env, Env.EXECUTOR_ID);
    this.containerId = env.getOrDefault(Env.CONTAINER_ID, "");
    this.token = env.getOrDefault(Env.EXECUTOR_TOKEN, "");
    String ca = env.get(Env.TLS_CA);
    ClientCredentials credentials = ca == null || ca.isBlank()
        ? ClientCredentials.NONE : new ClientCredentials(TlsFiles.trusting(java.nio.file.Path.of(ca)), null, null);
    this.recoveryTimeout = seconds(env.get(Env.RECOVERY_TIMEOUT), Duration.ofMinutes(15));
    this.shutdownGrace = seconds(env.get(Env.SHUTDOWN_GRACE), Duration.ofSeconds(5));
    this.stream = new ReconnectingStream<>("agent", loop, Runnable::run, MasterDetector.forSpec(agentEndpoint.toString()),
        Grpc.DEFAULT_MAX_MESSAGE_BYTES, credentials, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)), new Connection());
  }

  private static String require(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " is not set: executors are started by a Corral agent");
    }
    return v;
  }

  private static Duration seconds(String v, Duration dflt) {
    if (v == null || v.isBlank()) {
      return dflt;
    }
    return Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
  }

  public String frameworkId() {
    return frameworkId;
  }

  public String executorId() {
    return executorId;
  }

  @Override
  public DriverStatus start() {
    return runtime.start(stream::start);
  }

  @Override
  public DriverStatus stop() {
    return runtime.finish(DriverStatus.DRIVER_STOPPED, stream::close);
  }

  @Override
  public DriverStatus stopWhenAcknowledged() {
    if (!runtime.isRunning()) {
      return runtime.status();
    }
    loop.execute(() -> { // after the updates sent before: they are queued on this loop first
      stopWhenAcknowledged = true;
      loop.schedule(shutdownGrace, this::stop);
      stopIfAcknowledged();
    });
    return runtime.status();
  }

  /** Stops if the executor asked to once its updates are acknowledged, or was shut down and its tasks ended. */
  private void stopIfAcknowledged() {
    if (unacknowledged.isEmpty() && (stopWhenAcknowledged || shuttingDown && tasks.isEmpty())) {
      stop();
    }
  }

  @Override
  public DriverStatus abort() {
    return runtime.finish(DriverStatus.DRIVER_ABORTED, stream::close);
  }

  @Override
  public DriverStatus join() {
    return runtime.join();
  }

  @Override
  public DriverStatus run() {
    start();
    return join();
  }

  @Override
  public DriverStatus sendStatusUpdate(TaskStatus update) {
    if (update.getTaskId().isEmpty()) {
      throw new IllegalArgumentException("status update without a task id");
    }
    if (update.getState() == io.corral.protocol.TaskState.TASK_STATE_UNSPECIFIED) {
      throw new IllegalArgumentException("status update of task " + update.getTaskId() + " without a state");
    }
    if (!runtime.isRunning()) {
      return runtime.status();
    }
    TaskStatus.Builder b = update.toBuilder()
        .setFrameworkId(frameworkId)
        .setExecutorId(executorId)
        .setSource(TaskStatusSource.SOURCE_EXECUTOR)
        .setUuid(StatusUuids.random());
    if (update.getTimestamp() == 0) {
      b.setTimestamp(System.currentTimeMillis() / 1000.0);
    }
    loop.execute(
        () -> {
          TaskStatus s = b.setAgentId(agentId).build();
          unacknowledged.put(s.getUuid(), s);
          send(ExecutorCall.newBuilder().setUpdate(ExecutorCall.Update.newBuilder().setStatus(s)));
        });
    return runtime.status();
  }

  @Override
  public DriverStatus sendFrameworkMessage(byte[] data) {
    if (!runtime.isRunning()) {
      return runtime.status();
    }
    ByteString bytes = ByteString.copyFrom(data);
    loop.execute(() -> send(ExecutorCall.newBuilder().setMessage(ExecutorCall.Message.newBuilder().setData(bytes))));
    return runtime.status();
  }

  // ---- driver thread --------------------------------------------------------------------

  private void send(ExecutorCall.Builder call) {
    // Without a stream: updates are resent on resubscription; messages are at-most-once.
    stream.send(call.setFrameworkId(frameworkId).setExecutorId(executorId).build());
  }

  /** The driver's side of the stream to the agent. */
  private final class Connection implements ReconnectingStream.Handler<ExecutorCall, ExecutorEvent> {
    @Override
    public StreamObserver<ExecutorCall> open(ManagedChannel channel, StreamObserver<ExecutorEvent> responses) {
      return ExecutorServiceGrpc.newStub(channel).connect(responses);
    }

    @Override
    public void opened(HostPort agent) {
      ExecutorCall.Subscribe.Builder sub = ExecutorCall.Subscribe.newBuilder().setContainerId(containerId)
          .setToken(token);
      for (TaskInfo t : tasks.values()) {
        sub.addUnacknowledgedTasks(t);
      }
      sub.addAllUnacknowledgedUpdates(unacknowledged.values());
      send(ExecutorCall.newBuilder().setSubscribe(sub));
    }

    @Override
    public void event(ExecutorEvent event) {
      handle(event);
    }

    @Override
    public void ended(String why) {
      if (!runtime.isRunning()) {
        return;
      }
      boolean wasSubscribed = subscribed;
      subscribed = false;
      if (shuttingDown) {
        stop();
        return;
      }
      if (wasSubscribed) {
        LOG.warn("lost the connection to agent {} ({}); reconnecting for up to {}", agentEndpoint, why,
            recoveryTimeout);
        callback(() -> executor.disconnected(CorralExecutorDriver.this));
      }
      if (recoveryTimer == null) {
        recoveryTimer = loop.schedule(recoveryTimeout, CorralExecutorDriver.this::recoveryTimedOut);
      }
    }
  }

  private void recoveryTimedOut() {
    if (subscribed || !runtime.isRunning()) {
      return;
    }
    LOG.error("agent {} did not come back within the recovery timeout of {}; shutting down",
        agentEndpoint, recoveryTimeout);
    shutdownThenStop();
  }

  private void handle(ExecutorEvent event) {
    switch (event.getTypeCase()) {
      case SUBSCRIBED -> {
        ExecutorEvent.Subscribed s = event.getSubscribed();
        agentId = s.getAgentInfo().getId();
        subscribed = true;
        stream.resetBackoff();
        if (recoveryTimer != null) {
          recoveryTimer.cancel();
          recoveryTimer = null;
        }
        AgentInfo agent = s.getAgentInfo();
        if (!everSubscribed) {
          everSubscribed = true;
          callback(() -> executor.registered(this, s.getExecutorInfo(), s.getFrameworkInfo(), agent));
        } else {
          callback(() -> executor.reregistered(this, agent));
        }
      }
      case LAUNCH -> {
        for (TaskInfo t : event.getLaunch().getTasksList()) {
          tasks.put(t.getTaskId(), t);
          callback(() -> executor.launchTask(this, t));
        }
      }
      case KILL -> callback(() -> executor.killTask(this, event.getKill().getTaskId(), event.getKill().getKillPolicy()));
      case ACKNOWLEDGED -> {
        TaskStatus acked = unacknowledged.remove(event.getAcknowledged().getUuid());
        if (acked != null && TaskStates.isTerminal(acked.getState())) {
          tasks.remove(acked.getTaskId());
        }
        stopIfAcknowledged();
      }
      case MESSAGE -> {
        byte[] data = event.getMessage().getData().toByteArray();
        callback(() -> executor.frameworkMessage(this, data));
      }
      case SHUTDOWN -> shutdownThenStop();
      case ERROR -> {
        String message = event.getError().getMessage();
        LOG.error("agent reported an error: {}", message);
        if (event.getError().getFatal()) {
          runtime.callbackAlways(() -> executor.error(this, message));
          abort();
        }
      }
      default -> LOG.warn("ignored an empty or unknown event from the agent");
    }
  }

  /** Asks the executor to kill its tasks, then stops once they are reported or the grace ends. */
  private void shutdownThenStop() {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    runtime.callbackAlways(() -> executor.shutdown(this));
    loop.schedule(shutdownGrace, this::stop);
    if (tasks.isEmpty() && unacknowledged.isEmpty()) {
      runtime.callbackAlways(() -> loop.execute(this::stop));
    }
  }

  private void callback(Runnable r) {
    runtime.callback(r);
  }
}
