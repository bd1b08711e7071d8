package io.corral.agent.exec;

import io.corral.agent.AgentConfig;
import io.corral.agent.updates.StatusUpdateManager;
import io.corral.common.loop.EventLoop;
import io.corral.common.net.StreamConnection;
import io.corral.common.process.ProcessTree;
import io.corral.common.task.StatusUuids;
import io.corral.common.task.TaskStates;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorCall;
import io.corral.protocol.ExecutorEvent;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.Task;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.protocol.TaskStatusSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs executors and their tasks on this agent: launches executor processes, hands them
 * tasks once they subscribe, relays their updates, kills, and reports whatever an exiting
 * executor leaves behind. Loop-owned; process creation happens on worker threads.
 */
public final class ExecutorSupervisor {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorSupervisor.class);
  /** Any local process can make these repeat. */
  private final io.corral.common.log.ThrottledWarning refusedSubscription = new io.corral.common.log.ThrottledWarning(LOG);
  /** Executor id of the built-in command executor of each framework. */
  public static final String COMMAND_EXECUTOR_ID = "corral:command";
  private static final String AGENT_PID = Long.toString(ProcessHandle.current().pid(), 36);
  private static final int STDERR_TAIL_BYTES = 1024;

  private final AgentConfig config;
  private final EventLoop loop;
  private final ExecutorService workers;
  private final ExecutorLauncher launcher;
  /** With security on, what executors prove themselves with; null otherwise. */
  private final ExecutorTokens tokens;
  private final SandboxFetcher fetcher;
  private final StatusUpdateManager updates;
  private final Supplier<AgentInfo> agentInfo;
  private final Supplier<String> endpoint;
  private final Consumer<AgentCall> toMaster;
  private final RunCheckpoints checkpoints;
  private final ExecutorIsolation isolation;
  private final ProcessUsers users;
  private final IdleRuns idle;
  private final Map<ExecutorKey, ExecutorRun> runs = new LinkedHashMap<>();
  private final Map<TaskKey, AgentTask> tasks = new LinkedHashMap<>();
  private final Map<String, FrameworkInfo> frameworks = new HashMap<>();
  private final Map<Long, ExecutorRun> runByConnection = new HashMap<>();
  /** Per JVM, not per agent: in-process agents (LocalCluster) share the JVM's pid. */
  private static final java.util.concurrent.atomic.AtomicLong CONTAINER_SEQ = new java.util.concurrent.atomic.AtomicLong();

  public ExecutorSupervisor(AgentConfig config, EventLoop loop, ExecutorService workers,
      io.corral.fetcher.Fetcher fetcher, StatusUpdateManager updates, Supplier<AgentInfo> agentInfo, Supplier<String> endpoint,
      Consumer<AgentCall> toMaster, RunCheckpoints checkpoints, io.corral.agent.isolation.Isolators isolators) {
    this.config = config;
    this.loop = loop;
    this.workers = workers;
    try {
      this.tokens = config.security() == null ? null : ExecutorTokens.in(config.workDir());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    this.users = new ProcessUsers(config);
    this.launcher = new ExecutorLauncher(config, users, tokens);
    this.fetcher = new SandboxFetcher(fetcher, loop);
    this.updates = updates;
    this.agentInfo = agentInfo;
    this.endpoint = endpoint;
    this.toMaster = toMaster;
    this.checkpoints = checkpoints;
    this.isolation = new ExecutorIsolation(isolators, workers);
    new LimitWatcher(isolation, loop, workers, runs::values, this::limitTask, this::limitRun).start();
    this.idle = new IdleRuns(loop::schedule, config.commandExecutorIdleTimeout(), config.executorShutdownGrace(),
        (run, stop) -> {
          run.stopBecause(TaskStatusReason.REASON_EXECUTOR_TERMINATED, stop.why());
          terminate(run, stop.grace());
        });
  }

  // ---- tasks from the master -----------------------------------------------------------

  public void runTasks(FrameworkInfo framework, List<TaskInfo> newTasks) {
    if (!framework.equals(frameworks.put(framework.getId(), framework))) {
      checkpoints.framework(framework);
    }
    Map<ExecutorRun, List<TaskInfo>> toLaunch = new LinkedHashMap<>();
    for (TaskInfo task : newTasks) {
      TaskKey key = new TaskKey(framework.getId(), task.getTaskId());
      if (tasks.containsKey(key)) {
        LOG.warn("task {} is already known to this agent; ignoring the duplicate launch", key);
        continue;
      }
      ExecutorRun run = runFor(framework, task);
      AgentTask t = new AgentTask(framework.getId(), task, run);
      tasks.put(key, t);
      run.tasks().put(task.getTaskId(), t);
      checkpoints.task(t, List.of());
      run.cancelIdleTimer();
      String isolationFailure = isolation.taskAdded(run, t);
      if (isolationFailure != null) {
        report(t, TaskState.TASK_FAILED, TaskStatusReason.REASON_LAUNCH_FAILED, isolationFailure, null);
        continue;
      }
      if (task.hasCommand() && task.getCommand().getUrisCount() > 0) {
        fetchThenDeliver(t);
      } else if (run.state() == ExecutorRun.State.RUNNING && run.isConnected()) {
        toLaunch.computeIfAbsent(run, r -> new ArrayList<>()).add(deliverable(run, task));
      } else {
        run.queued().add(task);
      }
    }
    toLaunch.forEach((run, list) -> run.send(ExecutorEvent.newBuilder()
        .setLaunch(ExecutorEvent.Launch.newBuilder().addAllTasks(list)).build()));
  }

  /** A command task's URIs go into its own sandbox, {@code tasks/<task-id>/}, before it starts. */
  private void fetchThenDeliver(AgentTask t) {
    ExecutorRun run = t.run();
    TaskInfo task = t.info();
    t.setFetching(true);
    java.nio.file.Path dir = io.corral.common.task.PathNames.taskSandbox(run.sandbox(), task.getTaskId());
    fetcher.fetch(task.getCommand().getUrisList(), dir, users.fetchUser(run.framework(), task.getCommand()),
        "task " + t.key(), failure -> {
          t.setFetching(false);
          if (TaskStates.isTerminal(t.state())) {
            return; // its executor went away meanwhile
          }
          if (t.killRequested()) {
            report(t, TaskState.TASK_KILLED, TaskStatusReason.REASON_TASK_KILLED_DURING_LAUNCH,
                "killed while its files were fetched", null);
          } else if (failure != null) {
            report(t, TaskState.TASK_FAILED, TaskStatusReason.REASON_FETCH_FAILED,
                "fetch failed: " + failure.uri() + ": " + failure.getMessage(), null);
          } else if (run.state() == ExecutorRun.State.RUNNING && run.isConnected()) {
            run.send(ExecutorEvent.newBuilder().setLaunch(ExecutorEvent.Launch.newBuilder()
                .addTasks(deliverable(run, task))).build());
          } else {
            run.queued().add(task);
          }
        });
  }

  /** A command task as its executor gets it: the cgroups to enter, the user to run as. */
  private TaskInfo deliverable(ExecutorRun run, TaskInfo task) {
    return users.deliverable(run.framework(), isolation.deliverable(run, task));
  }

  private ExecutorRun runFor(FrameworkInfo framework, TaskInfo task) {
    boolean command = task.hasCommand();
    ExecutorInfo info = command
        ? ExecutorInfo.newBuilder().setExecutorId(COMMAND_EXECUTOR_ID).setFrameworkId(framework.getId())
            .setName("command executor").build()
        : task.getExecutor();
    ExecutorKey key = new ExecutorKey(framework.getId(), info.getExecutorId());
    ExecutorRun run = runs.get(key);
    if (run != null && run.state() != ExecutorRun.State.TERMINATING && run.state() != ExecutorRun.State.TERMINATED) {
      return run;
    }
    // Unique on the host, not only in this agent: processes are found by their container id in their
    // environment (ProcessTree.killMarked), and agents sharing a host (LocalCluster) launch in the same ms.
    String containerId = Long.toString(System.currentTimeMillis(), 36) + "-" + AGENT_PID + "-" + CONTAINER_SEQ.incrementAndGet();
    run = new ExecutorRun(key, containerId, info, framework, command,
        Sandboxes.runDir(config.workDir(), key, containerId));
    runs.put(key, run);
    checkpoints.executor(run);
    launch(run);
    return run;
  }

  /** Fetches the executor's URIs into its sandbox, then starts its process. */
  private void launch(ExecutorRun run) {
    io.corral.protocol.CommandInfo command = run.info().getCommand();
    fetcher.fetch(command.getUrisList(), run.sandbox(), users.fetchUser(run.framework(), command), "executor " + run.key(),
        failure -> {
          if (run.state() == ExecutorRun.State.TERMINATING) {
            exited(run); // stopped while fetching: it never runs
          } else if (failure != null) {
            run.stopBecause(TaskStatusReason.REASON_FETCH_FAILED,
                "fetch failed: " + failure.uri() + ": " + failure.getMessage());
            exited(run);
          } else {
            startProcess(run);
          }
        });
  }

  private void startProcess(ExecutorRun run) {
    AgentInfo info = agentInfo.get();
    String http = info.getHttpPort() > 0 ? (config.security() == null ? "http://" : "https://") + info.getHostname() + ":" + info.getHttpPort() + "/" : null;
    List<String> cgroupProcs;
    try {
      cgroupProcs = isolation.prepare(info.getId(), run);
    } catch (java.io.IOException | RuntimeException e) {
      launchFailed(run, new java.io.IOException("could not create its cgroups: " + e.getMessage(), e));
      return;
    }
    ExecutorLauncher.Spec spec = new ExecutorLauncher.Spec(run, info.getId(), endpoint.get(), http, cgroupProcs);
    LOG.info("launching executor {} (container {}) in {}", run.key(), run.containerId(), run.sandbox());
    CompletableFuture.supplyAsync(() -> {
      try {
        return launcher.launch(spec);
      } catch (Exception e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }, workers).whenComplete((process, error) -> loop.execute(() -> {
      if (error != null) {
        launchFailed(run, error.getCause() == null ? error : error.getCause());
      } else {
        launched(run, process);
      }
    }));
  }

  private void launched(ExecutorRun run, Process process) {
    run.setProcess(process);
    checkpoints.executor(run);
    process.onExit().thenRun(() -> loop.execute(() -> exited(run)));
    if (run.state() == ExecutorRun.State.TERMINATING) {
      ProcessTree.kill(process.toHandle(), Duration.ZERO);
      return;
    }
    Duration timeout = config.executorRegistrationTimeout();
    run.addTimer(loop.schedule(timeout, () -> {
      if (run.state() == ExecutorRun.State.LAUNCHING) {
        LOG.warn("executor {} did not register within {}; killing it", run.key(), timeout);
        run.stopBecause(TaskStatusReason.REASON_EXECUTOR_REGISTRATION_TIMEOUT,
            "executor did not register within " + timeout);
        terminate(run, Duration.ZERO);
      }
    }));
  }

  private void launchFailed(ExecutorRun run, Throwable error) {
    LOG.warn("could not start executor {}: {}", run.key(), error.getMessage());
    run.setState(ExecutorRun.State.TERMINATED);
    runs.remove(run.key(), run);
    checkpoints.forgetExecutor(run);
    isolation.runEnded(run);
    for (AgentTask t : new ArrayList<>(run.tasks().values())) {
      report(t, TaskState.TASK_FAILED, TaskStatusReason.REASON_LAUNCH_FAILED,
          "could not start the executor: " + error.getMessage(), null);
    }
    if (!run.isCommandExecutor()) {
      executorExited(run, null, "could not start: " + error.getMessage());
    }
  }

  private void exited(ExecutorRun run) {
    if (run.state() == ExecutorRun.State.TERMINATED) {
      return;
    }
    Integer code = run.exitCode();
    boolean started = run.handle() != null;
    Limitation oom = isolation.executorOom(run);
    if (oom != null) {
      run.stopBecause(oom.reason(), oom.message());
    }
    run.setState(ExecutorRun.State.TERMINATED);
    run.cancelTimers();
    if (run.connection() != null) {
      runByConnection.remove(run.connection().id());
      run.connection().complete();
      run.setConnection(null);
    }
    runs.remove(run.key(), run);
    if (started) {
      // Whatever the container left behind (tasks of an executor that crashed, daemons that
      // escaped their session) carries the container id in its environment.
      ProcessTree.killMarked(io.corral.common.Env.CONTAINER_ID, run.containerId(), Duration.ZERO);
    }
    isolation.runEnded(run);
    String why = run.stopMessage() != null ? run.stopMessage()
        : code != null ? "executor exited with status " + code : "executor exited";
    if (!run.isCommandExecutor() && run.stopMessage() == null) {
      String tail = io.corral.common.process.FileTail.of(run.sandbox().resolve("stderr"), STDERR_TAIL_BYTES);
      if (!tail.isEmpty()) {
        why = why + "; stderr: " + tail;
      }
    }
    LOG.info("executor {} (container {}) exited with status {}{}", run.key(), run.containerId(), code,
        run.stopMessage() == null ? "" : " (" + run.stopMessage() + ")");
    TaskStatusReason reason = run.stopReason() == null ? TaskStatusReason.REASON_EXECUTOR_TERMINATED : run.stopReason();
    for (AgentTask t : new ArrayList<>(run.tasks().values())) {
      if (!TaskStates.isTerminal(t.state())) {
        boolean killed = t.killRequested();
        report(t, killed ? TaskState.TASK_KILLED : TaskState.TASK_FAILED,
            killed ? TaskStatusReason.REASON_KILLED_BY_SCHEDULER : reason, why, null);
      }
    }
    if (!run.isCommandExecutor()) {
      executorExited(run, code, why);
    }
    checkpoints.forgetExecutor(run);
    forgetFrameworkIfDone(run.key().frameworkId());
    checkRecoveryDone();
  }

  private void executorExited(ExecutorRun run, Integer code, String message) {
    AgentCall.ExecutorExited.Builder e = AgentCall.ExecutorExited.newBuilder()
        .setFrameworkId(run.key().frameworkId()).setExecutorId(run.key().executorId()).setMessage(message);
    if (code != null) {
      e.setStatus(code);
    }
    toMaster.accept(AgentCall.newBuilder().setExecutorExited(e).build());
  }

  /** Stops a run: asks the executor to shut down, kills the process after the grace period. */
  private void terminate(ExecutorRun run, Duration grace) {
    if (run.state() == ExecutorRun.State.TERMINATED || run.state() == ExecutorRun.State.TERMINATING) {
      return;
    }
    run.setState(ExecutorRun.State.TERMINATING);
    run.cancelIdleTimer();
    ProcessHandle process = run.handle();
    if (process == null) {
      return; // launched() kills it as soon as it exists
    }
    if (run.isConnected() && !grace.isZero()) {
      run.send(ExecutorEvent.newBuilder().setShutdown(
          ExecutorEvent.Shutdown.newBuilder().setGracePeriodSeconds(grace.toMillis() / 1000.0)).build());
      run.addTimer(loop.schedule(grace, () -> ProcessTree.kill(process, Duration.ZERO)));
    } else {
      ProcessTree.kill(process, grace);
    }
  }

  public void killTask(String frameworkId, String taskId, KillPolicy policy) {
    AgentTask t = tasks.get(new TaskKey(frameworkId, taskId));
    if (t == null) {
      TaskStatus lost = agentStatus(frameworkId, taskId, "", TaskState.TASK_LOST, TaskStatusReason.REASON_TASK_UNKNOWN,
          "kill: task unknown to agent " + agentInfo.get().getId());
      updates.add(lost);
      return;
    }
    if (TaskStates.isTerminal(t.state())) {
      return;
    }
    t.requestKill();
    if (t.fetching()) {
      return; // reported killed when the fetch ends
    }
    ExecutorRun run = t.run();
    if (run.queued().removeIf(q -> q.getTaskId().equals(taskId))) {
      report(t, TaskState.TASK_KILLED, TaskStatusReason.REASON_TASK_KILLED_DURING_LAUNCH,
          "killed before its executor started", null);
      return;
    }
    if (run.isConnected()) {
      run.send(ExecutorEvent.newBuilder().setKill(
          ExecutorEvent.Kill.newBuilder().setTaskId(taskId).setKillPolicy(policy)).build());
    }
  }

  public void shutdownFramework(String frameworkId) {
    LOG.info("shutting down framework {}", frameworkId);
    for (ExecutorRun run : new ArrayList<>(runs.values())) {
      if (run.key().frameworkId().equals(frameworkId)) {
        run.stopBecause(TaskStatusReason.REASON_FRAMEWORK_REMOVED, "framework " + frameworkId + " was removed");
        run.tasks().values().forEach(AgentTask::requestKill);
        terminate(run, config.executorShutdownGrace());
      }
    }
    updates.dropFramework(frameworkId);
    tasks.keySet().removeIf(k -> {
      if (k.frameworkId().equals(frameworkId)) {
        checkpoints.forgetTask(k);
        return true;
      }
      return false;
    });
    frameworks.remove(frameworkId);
    checkpoints.forgetFramework(frameworkId);
  }

  public void updateFramework(FrameworkInfo framework) {
    if (frameworks.containsKey(framework.getId())) {
      frameworks.put(framework.getId(), framework);
      checkpoints.framework(framework);
    }
  }

  // ---- recovery after an agent restart ----------------------------------------------------

  /**
   * Takes back what an earlier run of the agent checkpointed: frameworks, executors whose
   * process still runs (they get {@code reregistrationTimeout} to reconnect, or are killed),
   * tasks with their unacknowledged updates (resent in order). Tasks of executors that died
   * while the agent was down fail. {@code done} runs once no executor is left waiting.
   */
  public void recover(io.corral.agent.checkpoint.CheckpointedState state, Duration reregistrationTimeout,
      Runnable done) {
    onRecovered = done;
    state.frameworks().forEach(f -> frameworks.put(f.getFramework().getId(), f.getFramework()));
    Map<ExecutorKey, ExecutorRun> recovered = new LinkedHashMap<>();
    Map<ExecutorRun, Long> dead = new LinkedHashMap<>();
    for (io.corral.protocol.ExecutorCheckpoint e : state.executors()) {
      ExecutorKey key = new ExecutorKey(e.getFrameworkId(), e.getExecutorInfo().getExecutorId());
      ExecutorRun run = new ExecutorRun(key, e.getContainerId(), e.getExecutorInfo(), framework(key.frameworkId()),
          e.getCommandExecutor(), java.nio.file.Path.of(e.getSandbox()));
      run.setState(ExecutorRun.State.RECOVERING);
      recovered.put(key, run);
      runs.put(key, run);
      java.util.Optional<ProcessHandle> live = ExecutorProcesses.find(e.getPid(), e.getPidStartMillis());
      if (live.isPresent()) {
        run.adopt(live.get());
        isolation.reattach(agentInfo.get().getId(), run);
      } else {
        dead.put(run, e.getPid());
      }
    }
    for (io.corral.protocol.TaskCheckpoint c : state.tasks()) {
      ExecutorKey key = new ExecutorKey(c.getFrameworkId(), c.getExecutorId());
      ExecutorRun run = recovered.get(key);
      if (run == null || !run.containerId().equals(c.getContainerId())) {
        // Its executor is gone (the task's terminal update was waiting for acknowledgement).
        run = new ExecutorRun(key, c.getContainerId(), ExecutorInfo.newBuilder().setExecutorId(c.getExecutorId())
            .build(), framework(key.frameworkId()), c.getTaskInfo().hasCommand(), Sandboxes.runDir(config.workDir(),
            key, c.getContainerId()));
        run.setState(ExecutorRun.State.TERMINATED);
      }
      AgentTask t = new AgentTask(c.getFrameworkId(), c.getTaskInfo(), run);
      if (c.hasLatest()) {
        t.update(c.getLatest());
      }
      if (c.hasAcknowledged()) {
        t.acknowledged(c.getAcknowledged());
      }
      tasks.put(t.key(), t);
      run.tasks().put(t.info().getTaskId(), t);
      c.getUnacknowledgedList().forEach(updates::add);
      if (run.state() == ExecutorRun.State.TERMINATED && !TaskStates.isTerminal(t.state())) {
        report(t, TaskState.TASK_FAILED, TaskStatusReason.REASON_AGENT_RECOVERY_FAILED,
            "the agent restarted and found no executor for this task", null);
      }
    }
    orphansCleaned = cleanOrphanCgroups(recovered.values().stream().filter(r -> r.handle() != null && r.cgroups() != null)
        .map(ExecutorRun::containerId).collect(java.util.stream.Collectors.toSet()));
    LOG.info("recovered {} framework(s), {} executor(s) ({} still running) and {} task(s) from the checkpoint",
        frameworks.size(), recovered.size(), recovered.size() - dead.size(), tasks.size());
    dead.forEach((run, pid) -> {
      run.stopBecause(TaskStatusReason.REASON_EXECUTOR_TERMINATED,
          "executor process " + pid + " exited while the agent was down");
      exited(run);
    });
    for (ExecutorRun run : recovered.values()) {
      if (run.state() != ExecutorRun.State.RECOVERING) {
        continue;
      }
      ProcessHandle process = run.handle();
      process.onExit().thenRun(() -> loop.execute(() -> exited(run)));
      run.addTimer(loop.schedule(reregistrationTimeout, () -> {
        if (run.state() == ExecutorRun.State.RECOVERING) {
          LOG.warn("recovered executor {} did not reconnect within {}; killing it", run.key(), reregistrationTimeout);
          run.stopBecause(TaskStatusReason.REASON_AGENT_RECOVERY_FAILED,
              "executor did not reconnect within " + reregistrationTimeout + " after the agent restarted");
          terminate(run, Duration.ZERO);
          checkRecoveryDone();
        }
      }));
    }
    checkRecoveryDone();
  }

  private Runnable onRecovered;
  /**
   * Recovery's removal of orphan cgroups: the agent registers (and gets new tasks, whose containers
   * the removal must not take for orphans) only once it is done.
   */
  private CompletableFuture<Void> orphansCleaned = CompletableFuture.completedFuture(null);

  /** Removes this agent's cgroups of containers that are gone (killing what is left in them), off the loop. */
  private CompletableFuture<Void> cleanOrphanCgroups(java.util.Set<String> live) {
    String agentId = agentInfo.get().getId();
    if (!isolation.isolators().cgroups() || agentId.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(() -> {
      try {
        List<java.nio.file.Path> removed = isolation.isolators().cleanOrphans(agentId, live);
        if (!removed.isEmpty()) {
          LOG.info("removed {} cgroup(s) of executors that are gone: {}", removed.size(), removed);
        }
      } catch (java.io.IOException e) {
        LOG.warn("could not clean up orphan cgroups: {}", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, workers);
  }

  // ---- limits broken ------------------------------------------------------------------

  /** A task broke a limit: killed at once, and failed with the limit's reason when its end is reported. */
  private void limitTask(AgentTask t, Limitation l) {
    LOG.warn("task {} broke a limit: {}", t.key(), l.message());
    t.limit(l);
    isolation.killTask(t);
    ExecutorRun run = t.run();
    if (run.isConnected()) {
      run.send(ExecutorEvent.newBuilder().setKill(ExecutorEvent.Kill.newBuilder().setTaskId(t.info().getTaskId())
          .setKillPolicy(KillPolicy.newBuilder().setGracePeriodSeconds(0))).build());
    }
  }

  /** An executor broke a limit: it is killed with its tasks, which fail with the limit's reason. */
  private void limitRun(ExecutorRun run, Limitation l) {
    LOG.warn("executor {} (container {}) broke a limit: {}", run.key(), run.containerId(), l.message());
    run.stopBecause(l.reason(), l.message());
    terminate(run, Duration.ZERO);
  }

  private FrameworkInfo framework(String frameworkId) {
    return frameworks.getOrDefault(frameworkId, FrameworkInfo.newBuilder().setId(frameworkId).build());
  }

  private void checkRecoveryDone() {
    if (onRecovered != null && runs.values().stream().noneMatch(r -> r.state() == ExecutorRun.State.RECOVERING)) {
      Runnable done = onRecovered;
      onRecovered = null;
      orphansCleaned.whenComplete((v, error) -> loop.execute(done));
    }
  }

  /** Tasks that never reached the recovered executor (it does not list them) are sent again. */
  private void requeueUndelivered(ExecutorRun run, List<TaskInfo> known) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    known.forEach(k -> ids.add(k.getTaskId()));
    for (AgentTask t : run.tasks().values()) {
      if (t.state() == TaskState.TASK_STAGING && !ids.contains(t.info().getTaskId())) {
        run.queued().add(t.info());
      }
    }
  }

  /**
   * Kills every executor and task at once and forgets them without reporting anything (the
   * master removed this agent and reported its tasks gone).
   */
  public void abandonAll() {
    for (ExecutorRun run : new ArrayList<>(runs.values())) {
      run.setState(ExecutorRun.State.TERMINATED);
      run.cancelTimers();
      if (run.connection() != null) {
        run.connection().complete();
      }
      if (run.handle() != null) {
        ProcessTree.kill(run.handle(), Duration.ZERO);
      }
      ProcessTree.killMarked(io.corral.common.Env.CONTAINER_ID, run.containerId(), Duration.ZERO);
      isolation.runEnded(run);
    }
    runs.clear();
    runByConnection.clear();
    tasks.clear();
    frameworks.clear();
    onRecovered = null;
  }

  // ---- executors -----------------------------------------------------------------------

  public void onExecutorCall(StreamConnection<ExecutorEvent> conn, ExecutorCall call) {
    if (call.hasSubscribe()) {
      if (!conn.isOpen()) {
        return; // its stream ended: nothing may bind to it (a last UPDATE before the close still counts)
      }
      subscribe(conn, call);
      return;
    }
    ExecutorRun run = runByConnection.get(conn.id());
    if (run == null) {
      conn.send(ExecutorEvent.newBuilder().setError(io.corral.protocol.Error.newBuilder()
          .setCall(call.getTypeCase().name()).setMessage("not subscribed: the first call must be SUBSCRIBE")).build());
      return;
    }
    switch (call.getTypeCase()) {
      case UPDATE -> executorUpdate(run, call.getUpdate().getStatus());
      case MESSAGE -> toMaster.accept(AgentCall.newBuilder().setMessage(AgentCall.ExecutorMessage.newBuilder()
          .setFrameworkId(run.key().frameworkId()).setExecutorId(run.key().executorId())
          .setData(call.getMessage().getData())).build());
      default -> run.send(ExecutorEvent.newBuilder().setError(io.corral.protocol.Error.newBuilder()
          .setCall(call.getTypeCase().name()).setMessage("unknown call type")).build());
    }
  }

  private void subscribe(StreamConnection<ExecutorEvent> conn, ExecutorCall call) {
    ExecutorKey key = new ExecutorKey(call.getFrameworkId(), call.getExecutorId());
    ExecutorRun run = runs.get(key);
    String container = call.getSubscribe().getContainerId();
    if (run != null && tokens != null
        && (!container.equals(run.containerId()) || !tokens.matches(container, call.getSubscribe().getToken()))) {
      refusedSubscription.warn("refused subscription of executor {} (container {}) from {}: no valid token", key,
          container, conn.peer());
      conn.send(ExecutorEvent.newBuilder().setError(io.corral.protocol.Error.newBuilder().setCall("SUBSCRIBE")
          .setMessage("executor " + key + " did not prove itself: the container id and token the agent gave it "
              + "(CORRAL_CONTAINER_ID, CORRAL_EXECUTOR_TOKEN) are required").setFatal(true)).build());
      conn.complete();
      return;
    }
    if (run == null || run.state() == ExecutorRun.State.TERMINATED
        || (!container.isEmpty() && !container.equals(run.containerId()))) {
      refusedSubscription.warn("refused subscription of unknown executor {} (container {}) from {}", key, container,
          conn.peer());
      conn.send(ExecutorEvent.newBuilder().setError(io.corral.protocol.Error.newBuilder().setCall("SUBSCRIBE")
          .setMessage("unknown executor " + key + " (container " + container + ")").setFatal(true)).build());
      conn.complete();
      return;
    }
    if (run.connection() != null && run.connection() != conn) {
      runByConnection.remove(run.connection().id());
      run.connection().complete();
    }
    run.setConnection(conn);
    runByConnection.put(conn.id(), run);
    if (run.state() == ExecutorRun.State.RECOVERING) {
      LOG.info("recovered executor {} (container {}) re-subscribed", key, run.containerId());
      requeueUndelivered(run, call.getSubscribe().getUnacknowledgedTasksList());
    }
    if (run.state() == ExecutorRun.State.LAUNCHING || run.state() == ExecutorRun.State.RECOVERING) {
      run.setState(ExecutorRun.State.RUNNING);
      run.cancelTimers();
      checkRecoveryDone();
    }
    conn.send(ExecutorEvent.newBuilder().setSubscribed(ExecutorEvent.Subscribed.newBuilder()
        .setExecutorInfo(run.info()).setFrameworkInfo(run.framework()).setAgentInfo(agentInfo.get())).build());
    for (TaskStatus s : call.getSubscribe().getUnacknowledgedUpdatesList()) {
      executorUpdate(run, s);
    }
    if (!run.queued().isEmpty()) {
      run.send(ExecutorEvent.newBuilder().setLaunch(ExecutorEvent.Launch.newBuilder()
          .addAllTasks(run.queued().stream().map(q -> deliverable(run, q)).toList())).build());
      run.queued().clear();
    }
    for (AgentTask t : run.tasks().values()) {
      if (t.killRequested() && !TaskStates.isTerminal(t.state())) {
        run.send(ExecutorEvent.newBuilder().setKill(ExecutorEvent.Kill.newBuilder().setTaskId(t.info().getTaskId())
            .setKillPolicy(t.info().getKillPolicy())).build());
      }
    }
    if (run.state() == ExecutorRun.State.TERMINATING) {
      run.send(ExecutorEvent.newBuilder().setShutdown(ExecutorEvent.Shutdown.newBuilder()
          .setGracePeriodSeconds(config.executorShutdownGrace().toMillis() / 1000.0)).build());
    }
    idle.check(run); // connected with nothing to do: no task's end will start its idle clock
  }

  private void executorUpdate(ExecutorRun run, TaskStatus raw) {
    TaskStatus status = raw.getUuid().isEmpty() ? raw.toBuilder().setUuid(StatusUuids.random()).build() : raw;
    // Acknowledged to the executor only once checkpointed (report() writes it), so that an
    // agent killed meanwhile finds it in its checkpoint or gets it again from the executor.
    try {
      relay(run, status);
    } finally {
      run.send(ExecutorEvent.newBuilder().setAcknowledged(ExecutorEvent.Acknowledged.newBuilder()
          .setTaskId(status.getTaskId()).setUuid(status.getUuid())).build());
    }
  }

  private void relay(ExecutorRun run, TaskStatus status) {
    AgentTask t = run.tasks().get(status.getTaskId());
    if (t == null) {
      if (frameworks.containsKey(run.key().frameworkId())) {
        LOG.warn("executor {} sent an update for task {} it does not run; ignored", run.key(), status.getTaskId());
      }
      return;
    }
    if (TaskStates.isTerminal(t.state())) {
      return;
    }
    report(t, status.toBuilder().setFrameworkId(run.key().frameworkId()).setExecutorId(run.key().executorId())
        .setAgentId(agentInfo.get().getId()).build());
  }

  public void onExecutorStreamClosed(StreamConnection<ExecutorEvent> conn) {
    ExecutorRun run = runByConnection.remove(conn.id());
    if (run != null && run.connection() == conn) {
      run.setConnection(null);
      if (run.state() == ExecutorRun.State.RUNNING) {
        LOG.info("executor {} disconnected; waiting for it to reconnect or exit", run.key());
      }
    }
  }

  // ---- status updates ------------------------------------------------------------------

  private void report(AgentTask t, TaskState state, TaskStatusReason reason, String message, Integer exitCode) {
    TaskStatus.Builder b = agentStatus(t.frameworkId(), t.info().getTaskId(), t.run().key().executorId(), state,
        reason, message).toBuilder();
    if (exitCode != null) {
      b.setExitCode(exitCode);
    }
    report(t, b.build());
  }

  private void report(AgentTask t, TaskStatus reported) {
    TaskStatus status = isolation.limited(t, reported);
    t.update(status);
    if (frameworks.containsKey(t.frameworkId())) {
      updates.add(status);
      checkpointTask(t.key());
    } else {
      tasks.remove(t.key()); // framework removed: nobody will acknowledge
      t.run().tasks().remove(t.info().getTaskId());
      checkpoints.forgetTask(t.key());
    }
    if (TaskStates.isTerminal(status.getState())) {
      isolation.taskEnded(t.run(), t);
      idle.check(t.run());
    }
  }

  /** A task's terminal update was acknowledged: the agent can forget it. */
  public void onTerminalAcknowledged(TaskKey key) {
    AgentTask t = tasks.remove(key);
    if (t != null) {
      t.run().tasks().remove(key.taskId());
      checkpoints.forgetTask(key);
      forgetFrameworkIfDone(key.frameworkId());
    }
  }

  /** The framework acknowledged the task's update: checkpoints what is left to deliver. */
  public void acknowledged(TaskKey key, TaskStatus status) {
    AgentTask t = tasks.get(key);
    if (t != null) {
      t.acknowledged(status);
      checkpointTask(key);
    }
  }

  /** Checkpoints the task with its unacknowledged updates (after an update or an acknowledgement). */
  public void checkpointTask(TaskKey key) {
    AgentTask t = tasks.get(key);
    if (t != null) {
      checkpoints.task(t, updates.unacknowledged(key));
    }
  }

  /** Drops what the agent keeps about a framework once nothing of it is left here. */
  private void forgetFrameworkIfDone(String frameworkId) {
    boolean busy = runs.keySet().stream().anyMatch(k -> k.frameworkId().equals(frameworkId))
        || tasks.keySet().stream().anyMatch(k -> k.frameworkId().equals(frameworkId));
    if (!busy && frameworks.remove(frameworkId) != null) {
      checkpoints.forgetFramework(frameworkId);
    }
  }

  private TaskStatus agentStatus(String frameworkId, String taskId, String executorId, TaskState state,
      TaskStatusReason reason, String message) {
    return TaskStatus.newBuilder().setFrameworkId(frameworkId).setTaskId(taskId).setExecutorId(executorId)
        .setAgentId(agentInfo.get().getId()).setState(state).setReason(reason).setMessage(message)
        .setSource(TaskStatusSource.SOURCE_AGENT).setTimestamp(System.currentTimeMillis() / 1000.0)
        .setUuid(StatusUuids.random()).build();
  }

  // ---- views -----------------------------------------------------------------------------

  public List<FrameworkInfo> frameworks() {
    return List.copyOf(frameworks.values());
  }

  public List<ExecutorInfo> customExecutors() {
    List<ExecutorInfo> out = new ArrayList<>();
    for (ExecutorRun r : runs.values()) {
      if (!r.isCommandExecutor() && r.state() != ExecutorRun.State.TERMINATED) {
        out.add(r.info().toBuilder().setFrameworkId(r.key().frameworkId()).build());
      }
    }
    return out;
  }

  public List<Task> tasks(String agentId) {
    List<Task> out = new ArrayList<>();
    for (AgentTask t : tasks.values()) {
      out.add(t.toProto(agentId));
    }
    return out;
  }

  /** The limits a run's container is held to (or would be, with cgroups): its own resources and its tasks'. */
  public io.corral.agent.isolation.ContainerLimits limits(ExecutorRun run) {
    return isolation.containerLimits(run);
  }

  public Map<ExecutorKey, ExecutorRun> runs() {
    return runs;
  }

  /**
   * After {@link #shutdownAll}: settles the runs whose processes are gone (their exit callbacks may
   * not have run yet), and completes once their cgroups are removed, with the agent's own cgroup
   * directory when nothing is left in it.
   */
  public CompletableFuture<Void> settleStopped() {
    for (ExecutorRun run : new ArrayList<>(runs.values())) {
      if (run.handle() != null && !run.handle().isAlive()) {
        exited(run);
      }
    }
    String agentId = agentInfo.get().getId();
    boolean nothingLeft = runs.isEmpty();
    return isolation.removals().thenRunAsync(() -> {
      if (!agentId.isEmpty() && nothingLeft) {
        isolation.isolators().removeAgentCgroups(agentId);
      }
    }, workers);
  }

  /** Stops every executor; completes when their processes are gone. */
  public CompletableFuture<Void> shutdownAll(Duration grace) {
    List<CompletableFuture<?>> exits = new ArrayList<>();
    for (ExecutorRun run : new ArrayList<>(runs.values())) {
      run.stopBecause(TaskStatusReason.REASON_AGENT_SHUTDOWN, "agent shutting down");
      run.tasks().values().forEach(AgentTask::requestKill);
      if (run.handle() != null) {
        exits.add(run.handle().onExit());
      }
      terminate(run, grace);
    }
    return CompletableFuture.allOf(exits.toArray(new CompletableFuture<?>[0]));
  }
}
