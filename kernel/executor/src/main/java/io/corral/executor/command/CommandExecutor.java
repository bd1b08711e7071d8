package io.corral.executor.command;

import io.corral.common.process.ProcessTree;
import io.corral.common.secret.SecretFiles;
import io.corral.executor.Executor;
import io.corral.executor.ExecutorDriver;
import io.corral.executor.HealthChecks;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in executor for tasks that are just a command. One runs per framework per agent
 * and starts each task as {@code sh -c <command>} (or the given argv) in the task's own
 * sandbox ({@code tasks/<task-id>/} with {@code stdout} and {@code stderr}), in a session of
 * its own. It reports TASK_STARTING, TASK_RUNNING, then TASK_FINISHED (exit 0) or
 * TASK_FAILED (exit code and the tail of stderr), or TASK_KILLED after a kill.
 *
 * <p>A task with a {@code health_check} is checked from its TASK_RUNNING on ({@link HealthChecks}; a
 * COMMAND check runs as the task does, see {@link TaskProcesses#checks}): its health goes to the
 * framework as TASK_RUNNING updates with {@code healthy}, and one that fails too many checks in a row is
 * killed with its kill policy's grace and ends TASK_KILLED with {@code REASON_TASK_UNHEALTHY}.
 */
public final class CommandExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(CommandExecutor.class);
  static final Duration DEFAULT_GRACE = Duration.ofSeconds(3);
  private static final int STDERR_TAIL_BYTES = 1024;

  private final Path sandbox;
  private final SecretFiles secrets;
  private final Map<String, CommandTask> tasks = new ConcurrentHashMap<>();
  /** Made for the first task with a health check (callback thread). */
  private HealthChecks healthChecks;

  /** An executor whose tasks have no secrets. */
  public CommandExecutor(Path sandbox) {
    this(sandbox, SecretFiles.none());
  }

  /** An executor whose tasks' {@code secret_file} variables are read from {@code secrets}. */
  public CommandExecutor(Path sandbox, SecretFiles secrets) {
    this.sandbox = sandbox;
    this.secrets = secrets;
  }

  @Override
  public void registered(ExecutorDriver driver, ExecutorInfo executorInfo, FrameworkInfo frameworkInfo,
      AgentInfo agentInfo) {
    LOG.info("command executor for framework {} registered with agent {}", frameworkInfo.getId(), agentInfo.getId());
  }

  @Override
  public void launchTask(ExecutorDriver driver, TaskInfo task) {
    String id = task.getTaskId();
    if (tasks.containsKey(id)) {
      return; // a re-delivery after reconnecting: the task already runs
    }
    driver.sendStatusUpdate(status(id, TaskState.TASK_STARTING, "", TaskStatusReason.REASON_UNSPECIFIED));
    Process process;
    try {
      process = TaskProcesses.start(sandbox, task, secrets);
    } catch (IOException | RuntimeException e) {
      LOG.warn("task {} failed to start: {}", id, e.toString());
      driver.sendStatusUpdate(status(id, TaskState.TASK_FAILED, "failed to start the command: " + e.getMessage(),
          TaskStatusReason.REASON_LAUNCH_FAILED));
      return;
    }
    CommandTask running = new CommandTask(task, process);
    tasks.put(id, running);
    driver.sendStatusUpdate(status(id, TaskState.TASK_RUNNING, "pid " + process.pid(), TaskStatusReason.REASON_UNSPECIFIED));
    if (task.hasHealthCheck()) { // before its exit is watched: its end stops the checks
      try {
        running.health = healthChecks().start(driver, task, TaskProcesses.checks(sandbox, task, secrets),
            message -> killUnhealthy(driver, running, message));
      } catch (RuntimeException e) { // a check the master let through that this executor cannot run
        LOG.warn("task {} runs without its health check, which could not start: {}", id, e.toString());
      }
    }
    process.onExit().thenRun(() -> exited(driver, running));
  }

  private HealthChecks healthChecks() {
    if (healthChecks == null) {
      healthChecks = new HealthChecks();
    }
    return healthChecks;
  }

  private void exited(ExecutorDriver driver, CommandTask task) {
    String id = task.info.getTaskId();
    int code = task.process.exitValue();
    // A task is over when its command is: what it left running in its session goes too.
    ProcessTree.killSession(task.process.pid(), Duration.ZERO);
    task.health.stop(); // no health update after its end
    CommandTask.Kill kill = task.kill();
    TaskStatus.Builder update;
    if (kill != null && kill.reason() == TaskStatusReason.REASON_TASK_UNHEALTHY) {
      update = HealthChecks.killedUnhealthy(id, kill.message()).toBuilder();
    } else if (kill != null) {
      update = status(id, TaskState.TASK_KILLED, "killed", kill.reason()).toBuilder();
    } else if (code == 0) {
      update = status(id, TaskState.TASK_FINISHED, "command exited with status 0",
          TaskStatusReason.REASON_COMMAND_EXITED).toBuilder();
    } else {
      String tail = io.corral.common.process.FileTail.of(TaskProcesses.sandbox(sandbox, id).resolve("stderr"), STDERR_TAIL_BYTES);
      String how = code > 128 ? "command was killed by signal " + (code - 128) : "command exited with status " + code;
      update = status(id, TaskState.TASK_FAILED, tail.isEmpty() ? how : how + "; stderr: " + tail,
          TaskStatusReason.REASON_COMMAND_EXITED).toBuilder();
    }
    update.setExitCode(code);
    tasks.remove(id);
    driver.sendStatusUpdate(update.build());
  }

  @Override
  public void killTask(ExecutorDriver driver, String taskId, KillPolicy killPolicy) {
    CommandTask task = tasks.get(taskId);
    if (task == null) {
      return; // already over: its terminal update is on its way
    }
    kill(driver, task, grace(killPolicy));
  }

  private void kill(ExecutorDriver driver, CommandTask task, Duration grace) {
    if (!task.killFor(new CommandTask.Kill(TaskStatusReason.REASON_KILLED_BY_SCHEDULER, "killed"))) {
      return;
    }
    task.health.stop();
    driver.sendStatusUpdate(status(task.info.getTaskId(), TaskState.TASK_KILLING, "killing (grace " + grace + ")",
        TaskStatusReason.REASON_KILLED_BY_SCHEDULER));
    ProcessTree.kill(task.process.toHandle(), grace);
  }

  /** The task failed its health checks too many times in a row (on the checks' thread; they have stopped). */
  private void killUnhealthy(ExecutorDriver driver, CommandTask task, String message) {
    if (!task.killFor(new CommandTask.Kill(TaskStatusReason.REASON_TASK_UNHEALTHY, message))) {
      return;
    }
    Duration grace = grace(task.info.getKillPolicy());
    driver.sendStatusUpdate(status(task.info.getTaskId(), TaskState.TASK_KILLING, message,
        TaskStatusReason.REASON_TASK_UNHEALTHY).toBuilder().setHealthy(false).build());
    ProcessTree.kill(task.process.toHandle(), grace);
  }

  static Duration grace(KillPolicy policy) {
    if (policy != null && policy.hasGracePeriodSeconds()) {
      return Duration.ofMillis((long) (policy.getGracePeriodSeconds() * 1000));
    }
    return DEFAULT_GRACE;
  }

  @Override
  public void shutdown(ExecutorDriver driver) {
    LOG.info("shutting down: killing {} task(s)", tasks.size());
    for (CommandTask t : tasks.values()) {
      kill(driver, t, DEFAULT_GRACE);
    }
  }

  private static TaskStatus status(String taskId, TaskState state, String message, TaskStatusReason reason) {
    return TaskStatus.newBuilder().setTaskId(taskId).setState(state).setMessage(message).setReason(reason).build();
  }
}
