package io.corral.agent.exec;

import io.corral.agent.AgentConfig;
import io.corral.agent.checkpoint.CheckpointStore;
import io.corral.agent.checkpoint.CheckpointedState;
import io.corral.agent.isolation.IsolationSettings;
import io.corral.agent.isolation.Isolators;
import io.corral.agent.updates.StatusUpdateManager;
import io.corral.common.loop.ManualEventLoop;
import io.corral.common.resources.Resources;
import io.corral.common.task.StatusUuids;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentCheckpoint;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.CommandURI;
import io.corral.protocol.ExecutorCall;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An agent's executors on a manual loop and a fake host: the real parts ({@link ExecutorSupervisor}'s),
 * no thread, no process, no real time. The master's side is the status update manager, connected, its
 * sends recorded ({@link #sent}), and the calls to the master ({@link #toMaster}).
 */
final class SupervisorFixture {
  static final String AGENT_ID = "A1";
  static final String ENDPOINT = "127.0.0.1:5051";
  static final Duration REGISTRATION = Duration.ofSeconds(60);
  static final Duration REREGISTRATION = Duration.ofSeconds(15);
  static final Duration GRACE = Duration.ofSeconds(3);
  static final Duration IDLE = Duration.ofSeconds(10);
  static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder().setId("F1").setName("test").build();
  static final ExecutorKey COMMAND = new ExecutorKey("F1", ExecutorSupervisor.COMMAND_EXECUTOR_ID);

  final ManualEventLoop loop = new ManualEventLoop();
  final FakeHost host = new FakeHost(loop);
  /** Updates on their way to the frameworks, as the update manager sent them, in order. */
  final List<TaskStatus> sent = new ArrayList<>();
  final List<AgentCall> toMaster = new ArrayList<>();
  final StatusUpdateManager updates;
  final CheckpointStore store;
  final ExecutorSupervisor supervisor;

  SupervisorFixture(Path workDir) {
    this(workDir, null);
  }

  SupervisorFixture(Path workDir, ExecutorTokens tokens) {
    this(workDir, tokens, Isolators.none(IsolationSettings.DEFAULT));
  }

  /** @param tokens what executors must prove themselves with (null: security off) */
  SupervisorFixture(Path workDir, ExecutorTokens tokens, Isolators isolators) {
    AgentConfig config = AgentConfig.builder("127.0.0.1:5050", workDir).resources(Resources.parse("cpus:4;mem:4096"))
        .switchUser(false).executorRegistrationTimeout(REGISTRATION).executorReregistrationTimeout(REREGISTRATION)
        .executorShutdownGrace(GRACE).commandExecutorIdleTimeout(IDLE).build();
    AgentInfo info = AgentInfo.newBuilder().setId(AGENT_ID).setHostname("localhost").setPort(5051).build();
    updates = new StatusUpdateManager(loop, sent::addAll, this::terminalAcknowledged, Duration.ofSeconds(2),
        Duration.ofMinutes(10));
    updates.connected();
    store = CheckpointStore.under(workDir);
    store.writeAgent(AgentCheckpoint.newBuilder().setAgentInfo(info).build());
    supervisor = new ExecutorSupervisor(config, loop, Runnable::run, new ExecutorSupervisor.Host(host, host, host,
        tokens), updates, () -> info, () -> ENDPOINT, toMaster::add, new RunCheckpoints(store, () -> ENDPOINT, loop),
        isolators, loop.clock());
  }

  private void terminalAcknowledged(TaskKey key) {
    supervisor.onTerminalAcknowledged(key);
  }

  // ---- tasks ---------------------------------------------------------------------------------------

  static TaskInfo commandTask(String id, String... uris) {
    CommandInfo.Builder command = CommandInfo.newBuilder().setValue("true");
    for (String uri : uris) {
      command.addUris(CommandURI.newBuilder().setValue(uri));
    }
    return TaskInfo.newBuilder().setTaskId(id).setName(id).setCommand(command)
        .addAllResources(Resources.parse("cpus:0.1;mem:32").toProto()).build();
  }

  static TaskInfo customTask(String id, String executorId, String... uris) {
    CommandInfo.Builder command = CommandInfo.newBuilder().setValue("./executor");
    for (String uri : uris) {
      command.addUris(CommandURI.newBuilder().setValue(uri));
    }
    return TaskInfo.newBuilder().setTaskId(id).setName(id)
        .setExecutor(ExecutorInfo.newBuilder().setExecutorId(executorId).setFrameworkId("F1").setCommand(command)
            .addAllResources(Resources.parse("cpus:0.1;mem:64").toProto()))
        .addAllResources(Resources.parse("cpus:0.1;mem:32").toProto()).build();
  }

  void runTasks(TaskInfo... tasks) {
    supervisor.runTasks(FRAMEWORK, List.of(tasks));
    loop.runPending();
  }

  ExecutorRun run(ExecutorKey key) {
    return supervisor.runs().get(key);
  }

  ExecutorRun run(String executorId) {
    return run(new ExecutorKey("F1", executorId));
  }

  // ---- the executor's side ---------------------------------------------------------------------------

  ExecutorStream stream() {
    return new ExecutorStream(supervisor::onExecutorStreamClosed);
  }

  /** The run's executor subscribes on a new stream (with its container's token, when there are tokens). */
  ExecutorStream subscribe(ExecutorRun run, List<String> listedTasks, List<TaskStatus> unacknowledged, String token) {
    ExecutorStream s = stream();
    ExecutorCall.Subscribe.Builder sub = ExecutorCall.Subscribe.newBuilder().setContainerId(run.containerId())
        .setToken(token).addAllUnacknowledgedUpdates(unacknowledged);
    listedTasks.forEach(id -> sub.addUnacknowledgedTasks(TaskInfo.newBuilder().setTaskId(id)));
    call(s, ExecutorCall.newBuilder().setFrameworkId(run.key().frameworkId()).setExecutorId(run.key().executorId())
        .setSubscribe(sub).build());
    return s;
  }

  ExecutorStream subscribe(ExecutorRun run) {
    return subscribe(run, List.of(), List.of(), "");
  }

  void call(ExecutorStream s, ExecutorCall call) {
    supervisor.onExecutorCall(s.connection, call);
    loop.runPending();
  }

  /** The executor reports a task's state. */
  void update(ExecutorStream s, ExecutorRun run, String taskId, TaskState state) {
    call(s, ExecutorCall.newBuilder().setFrameworkId(run.key().frameworkId()).setExecutorId(run.key().executorId())
        .setUpdate(ExecutorCall.Update.newBuilder().setStatus(status(taskId, state))).build());
  }

  static TaskStatus status(String taskId, TaskState state) {
    return TaskStatus.newBuilder().setTaskId(taskId).setState(state).setUuid(StatusUuids.random()).build();
  }

  // ---- the framework's side ----------------------------------------------------------------------------

  /** The states of the task's updates sent so far (each once: resends are not counted), in order. */
  List<TaskState> states(String taskId) {
    return sent.stream().filter(s -> s.getTaskId().equals(taskId)).map(TaskStatus::getUuid).distinct()
        .map(uuid -> sent.stream().filter(s -> s.getUuid().equals(uuid)).findFirst().orElseThrow().getState())
        .toList();
  }

  /** The latest update sent of the task. */
  TaskStatus last(String taskId) {
    List<TaskStatus> of = sent.stream().filter(s -> s.getTaskId().equals(taskId)).toList();
    return of.get(of.size() - 1);
  }

  /** The framework acknowledges the task's oldest unacknowledged update (through the master). */
  void acknowledge(String taskId) {
    TaskKey key = new TaskKey("F1", taskId);
    TaskStatus head = updates.unacknowledged(key).get(0);
    updates.acknowledge(key, head.getUuid());
    supervisor.acknowledged(key, head);
    loop.runPending();
  }

  CheckpointedState checkpoint() {
    return store.read().orElseThrow();
  }

  void advance(Duration by) {
    loop.advance(by);
  }
}
