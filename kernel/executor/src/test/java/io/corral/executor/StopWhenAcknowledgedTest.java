package io.corral.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.common.DriverStatus;
import io.corral.common.Env;
import io.corral.common.net.Grpc;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorCall;
import io.corral.protocol.ExecutorEvent;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.ExecutorServiceGrpc;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link CorralExecutorDriver#stopWhenAcknowledged}: a driver talking to an agent's executor
 * service over a real gRPC connection stops only once the agent acknowledged the updates sent
 * before, or after the shutdown grace when the agent never does.
 */
@Timeout(60)
class StopWhenAcknowledgedTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final Agent agent = new Agent();
  private Server server;
  private CorralExecutorDriver driver;

  @AfterEach
  void close() {
    if (driver != null) {
      driver.abort();
    }
    if (server != null) {
      Grpc.shutdown(server);
    }
  }

  @Test
  void stopsOnceTheAgentAcknowledgedTheLastUpdateAndNotBefore() throws Exception {
    CompletableFuture<DriverStatus> ended = start("30");
    driver.sendStatusUpdate(finished("t1"));
    TaskStatus sent = agent.awaitUpdate("t1");

    driver.stopWhenAcknowledged();
    // A message sent after the call reaches the agent only after the driver's loop handled the call.
    driver.sendFrameworkMessage(new byte[] {42});
    await().atMost(WAIT).until(() -> agent.messages.size() == 1);
    assertThat(ended).as("stopped before the agent acknowledged the update").isNotDone();

    agent.acknowledge(sent);
    assertThat(ended.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(DriverStatus.DRIVER_STOPPED);
  }

  @Test
  void stopsAfterTheShutdownGraceWhenTheAgentNeverAcknowledges() throws Exception {
    CompletableFuture<DriverStatus> ended = start("0.3");
    driver.sendStatusUpdate(finished("t1"));
    agent.awaitUpdate("t1");
    driver.stopWhenAcknowledged();
    assertThat(ended.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(DriverStatus.DRIVER_STOPPED);
  }

  @Test
  void stopsAtOnceWhenEverythingWasAcknowledged() throws Exception {
    CompletableFuture<DriverStatus> ended = start("30");
    driver.sendStatusUpdate(finished("t1"));
    agent.acknowledge(agent.awaitUpdate("t1"));
    await().atMost(WAIT).until(() -> agent.acknowledged == 1);
    driver.stopWhenAcknowledged();
    assertThat(ended.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(DriverStatus.DRIVER_STOPPED);
  }

  /** Starts the agent's service and a subscribed driver; the future completes when the driver ends. */
  private CompletableFuture<DriverStatus> start(String shutdownGraceSeconds) throws Exception {
    server = Grpc.startServer("127.0.0.1", 0, Grpc.DEFAULT_MAX_MESSAGE_BYTES, List.of(agent.bindService()));
    driver = new CorralExecutorDriver(new Quiet(), Map.of(Env.AGENT_ENDPOINT, "127.0.0.1:" + server.getPort(),
        Env.FRAMEWORK_ID, "f1", Env.EXECUTOR_ID, "e1", Env.SHUTDOWN_GRACE, shutdownGraceSeconds));
    driver.start();
    await().atMost(WAIT).until(() -> agent.subscribed);
    return CompletableFuture.supplyAsync(driver::join);
  }

  private static TaskStatus finished(String taskId) {
    return TaskStatus.newBuilder().setTaskId(taskId).setState(TaskState.TASK_FINISHED).build();
  }

  /** The agent's side: subscribes the executor, records its updates and messages, acknowledges on demand. */
  private static final class Agent extends ExecutorServiceGrpc.ExecutorServiceImplBase {
    final List<TaskStatus> updates = new CopyOnWriteArrayList<>();
    final List<byte[]> messages = new CopyOnWriteArrayList<>();
    volatile boolean subscribed;
    volatile int acknowledged;
    private volatile StreamObserver<ExecutorEvent> events;

    @Override
    public StreamObserver<ExecutorCall> connect(StreamObserver<ExecutorEvent> responses) {
      events = responses;
      return new StreamObserver<>() {
        @Override
        public void onNext(ExecutorCall call) {
          switch (call.getTypeCase()) {
            case SUBSCRIBE -> {
              responses.onNext(ExecutorEvent.newBuilder().setSubscribed(ExecutorEvent.Subscribed.newBuilder()
                  .setAgentInfo(AgentInfo.newBuilder().setId("a1"))
                  .setExecutorInfo(ExecutorInfo.newBuilder().setExecutorId("e1"))
                  .setFrameworkInfo(FrameworkInfo.newBuilder().setName("f"))).build());
              subscribed = true;
            }
            case UPDATE -> updates.add(call.getUpdate().getStatus());
            case MESSAGE -> messages.add(call.getMessage().getData().toByteArray());
            default -> { }
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          responses.onCompleted();
        }
      };
    }

    TaskStatus awaitUpdate(String taskId) {
      await().atMost(WAIT).until(() -> updates.stream().anyMatch(u -> u.getTaskId().equals(taskId)));
      return updates.stream().filter(u -> u.getTaskId().equals(taskId)).findFirst().orElseThrow();
    }

    synchronized void acknowledge(TaskStatus s) {
      events.onNext(ExecutorEvent.newBuilder().setAcknowledged(ExecutorEvent.Acknowledged.newBuilder()
          .setTaskId(s.getTaskId()).setUuid(s.getUuid())).build());
      acknowledged++;
    }
  }

  /** An executor that does nothing: the test drives the driver directly. */
  private static final class Quiet implements Executor {
    @Override
    public void registered(ExecutorDriver driver, ExecutorInfo executorInfo, FrameworkInfo frameworkInfo,
        AgentInfo agentInfo) {}

    @Override
    public void launchTask(ExecutorDriver driver, TaskInfo task) {}

    @Override
    public void killTask(ExecutorDriver driver, String taskId, KillPolicy killPolicy) {}

    @Override
    public void shutdown(ExecutorDriver driver) {}
  }
}
