package io.corral.agent.exec;

import io.corral.agent.AgentConfig;
import io.corral.agent.checkpoint.CheckpointedState;
import io.corral.agent.isolation.ContainerLimits;
import io.corral.agent.isolation.Isolators;
import io.corral.agent.updates.StatusUpdateManager;
import io.corral.common.loop.EventLoop;
import io.corral.common.net.StreamConnection;
import io.corral.fetcher.Fetcher;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorCall;
import io.corral.protocol.ExecutorEvent;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.Task;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs executors and their tasks on this agent. Assembles the parts, each with one job, and gives the
 * agent's core one entry per call it gets:
 * <ul>
 *   <li>{@link TaskDelivery}: the master's tasks and kills, to their runs and executors;
 *   <li>{@link RunLauncher} and {@link ProcessLaunch}: new runs, fetched, then their processes started;
 *   <li>{@link ExecutorChannel}: the executor protocol (subscription, token, updates, messages);
 *   <li>{@link RunRecovery}: what an earlier run of the agent checkpointed;
 *   <li>{@link RunShutdowns}: runs stopped as a whole (framework removed, agent stopping or removed);
 *   <li>{@link LimitWatcher}: limits the kernel does not enforce;
 *   <li>{@link RunBook}: the runs' and tasks' tables ({@link ExecutorRunStateMachine},
 *       {@link AgentTaskStateMachine}) applied, and their side effects carried out;
 *   <li>{@link TaskReports}: updates on their way to the frameworks, and their acknowledgements.
 * </ul>
 * Loop-owned: everything here runs on the agent's loop; processes start and scans run on workers.
 * Nothing starts in the constructor: {@link #start} starts the limit watcher.
 */
public final class ExecutorSupervisor {
  /** Executor id of the built-in command executor of each framework. */
  public static final String COMMAND_EXECUTOR_ID = RunLauncher.COMMAND_EXECUTOR_ID;

  private final AgentRuns runs = new AgentRuns();
  private final ExecutorIsolation isolation;
  private final RunBook book;
  private final TaskReports reports;
  private final TaskDelivery delivery;
  private final ExecutorChannel channel;
  private final RunRecovery recovery;
  private final RunShutdowns shutdowns;
  private final LimitWatcher limits;

  /**
   * @param agentInfo this agent as registered (its id once it has one)
   * @param endpoint where executors reach this agent
   * @param toMaster sends a call to the master
   * @param clock the time of the agent's own updates and of container ids
   */
  public ExecutorSupervisor(AgentConfig config, EventLoop loop, ExecutorService workers, Fetcher fetcher,
      StatusUpdateManager updates, Supplier<AgentInfo> agentInfo, Supplier<String> endpoint,
      Consumer<AgentCall> toMaster, RunCheckpoints checkpoints, Isolators isolators, Clock clock) {
    this(config, loop, workers, Host.of(config, fetcher, loop, clock), updates, agentInfo, endpoint, toMaster,
        checkpoints, isolators, clock);
  }

  /**
   * What the agent does on its host, outside its loop: fetch into sandboxes, start executor processes,
   * watch and kill them.
   *
   * @param tokens with security on, what executors prove themselves with; null otherwise
   */
  record Host(SandboxFetch fetcher, ProcessStarter starter, ProcessControl processes, ExecutorTokens tokens) {
    static Host of(AgentConfig config, Fetcher fetcher, EventLoop loop, Clock clock) {
      ExecutorTokens tokens;
      try {
        tokens = config.security() == null ? null : ExecutorTokens.in(config.workDir());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Host(new SandboxFetcher(fetcher, loop, clock),
          new ExecutorLauncher(config, new ProcessUsers(config), tokens), ProcessControl.host(), tokens);
    }
  }

  ExecutorSupervisor(AgentConfig config, EventLoop loop, Executor workers, Host host, StatusUpdateManager updates,
      Supplier<AgentInfo> agentInfo, Supplier<String> endpoint, Consumer<AgentCall> toMaster,
      RunCheckpoints checkpoints, Isolators isolators, Clock clock) {
    ProcessUsers users = new ProcessUsers(config);
    // What the runs tell the master follows their tasks' updates, which wait for their checkpoints.
    Consumer<AgentCall> toMasterAfterCheckpoints = call -> checkpoints.whenDurable(() -> toMaster.accept(call));
    Supplier<String> agentId = () -> agentInfo.get().getId();
    this.isolation = new ExecutorIsolation(isolators, workers);
    this.reports = new TaskReports(runs, updates, checkpoints, agentInfo, clock);
    ProcessLaunch launch = new ProcessLaunch(host.starter(), isolation, loop, workers, agentInfo, endpoint,
        config.security() != null);
    this.book = new RunBook(runs, loop, new RunBook.Timeouts(config.executorRegistrationTimeout(),
        config.executorReregistrationTimeout(), config.executorShutdownGrace(), config.commandExecutorIdleTimeout()),
        host.processes(), launch, isolation, new ExecutorMessages(agentInfo, users, isolation, checkpoints), reports,
        checkpoints, toMasterAfterCheckpoints);
    RunLauncher launcher = new RunLauncher(runs, book, host.fetcher(), users, checkpoints, config.workDir(), clock);
    this.delivery = new TaskDelivery(runs, launcher, book, host.fetcher(), users, isolation, checkpoints, reports);
    this.channel = new ExecutorChannel(runs, book, host.tokens(), toMasterAfterCheckpoints);
    this.recovery = new RunRecovery(runs, book, reports, host.processes(), isolation, workers, agentId,
        config.workDir());
    this.shutdowns = new RunShutdowns(runs, book, reports, checkpoints, host.processes(), isolation, workers,
        agentId, config.executorShutdownGrace());
    this.limits = new LimitWatcher(isolation, loop, clock, workers, () -> runs.runs().values(), book);
  }

  /** Starts watching limits. Call once, on the loop. */
  public void start() {
    limits.start();
  }

  // ---- the master's calls ------------------------------------------------------------------------

  public void runTasks(FrameworkInfo framework, List<TaskInfo> tasks) {
    delivery.runTasks(framework, tasks);
  }

  public void killTask(String frameworkId, String taskId, KillPolicy policy) {
    killTask(frameworkId, taskId, policy, null);
  }

  /** Kills a task for the master's own {@code cause} (a preemption; null: its framework asked). */
  public void killTask(String frameworkId, String taskId, KillPolicy policy, KillCause cause) {
    delivery.killTask(frameworkId, taskId, policy, cause);
  }

  public void shutdownFramework(String frameworkId) {
    shutdowns.shutdownFramework(frameworkId);
  }

  public void updateFramework(FrameworkInfo framework) {
    shutdowns.updateFramework(framework);
  }

  /** A task's terminal update was acknowledged: the agent can forget it. */
  public void onTerminalAcknowledged(TaskKey key) {
    AgentTask t = runs.task(key);
    if (t != null) {
      book.apply(t, new AgentTaskStateMachine.TerminalAcknowledged());
    }
  }

  /** The framework acknowledged the task's update: checkpoints what is left to deliver. */
  public void acknowledged(TaskKey key, TaskStatus status) {
    reports.acknowledged(key, status);
  }

  /** Checkpoints the task with its unacknowledged updates (after an update or an acknowledgement). */
  public void checkpointTask(TaskKey key) {
    reports.checkpoint(key);
  }

  // ---- executors ---------------------------------------------------------------------------------

  public void onExecutorCall(StreamConnection<ExecutorEvent> conn, ExecutorCall call) {
    channel.onCall(conn, call);
  }

  public void onExecutorStreamClosed(StreamConnection<ExecutorEvent> conn) {
    channel.onClosed(conn);
  }

  // ---- the agent's own life ----------------------------------------------------------------------

  /**
   * Takes back what an earlier run of the agent checkpointed (see {@link RunRecovery}); {@code done}
   * runs once no executor is left waiting to re-subscribe.
   */
  public void recover(CheckpointedState state, Runnable done) {
    recovery.recover(state, done);
  }

  /** Kills every executor and task and forgets them, reporting nothing (the master removed this agent). */
  public void abandonAll() {
    shutdowns.abandonAll();
  }

  /** Stops every executor; completes when their processes are gone. */
  public CompletableFuture<Void> shutdownAll(Duration grace) {
    return shutdowns.shutdownAll(grace);
  }

  /** After {@link #shutdownAll}: settles what is left; completes once the cgroups are removed. */
  public CompletableFuture<Void> settleStopped() {
    return shutdowns.settleStopped();
  }

  // ---- views -------------------------------------------------------------------------------------

  public List<FrameworkInfo> frameworks() {
    return runs.frameworks();
  }

  public List<ExecutorInfo> customExecutors() {
    return runs.customExecutors();
  }

  public List<Task> tasks(String agentId) {
    return runs.taskProtos(agentId);
  }

  /** The limits a run's container is held to (or would be, with cgroups): its own resources and its tasks'. */
  public ContainerLimits limits(ExecutorRun run) {
    return isolation.containerLimits(run);
  }

  public Map<ExecutorKey, ExecutorRun> runs() {
    return runs.runs();
  }
}
