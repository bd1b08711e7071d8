package io.corral.executor;

import io.corral.common.loop.EventLoop;
import io.corral.executor.health.HealthCheckSettings;
import io.corral.executor.health.HealthChecker;
import io.corral.executor.health.Probes;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The kernel's health checks for an executor's tasks: how the command executor checks its tasks, and
 * how a custom executor gets the same checks for the tasks it runs. One instance serves all the
 * executor's tasks (one thread of timers, and workers for the checks).
 *
 * <p>When a task with a {@code health_check} is running (its {@code TASK_RUNNING} sent), {@link #start}
 * it; {@link Handle#stop} it when the task ends or is killed, before its terminal update. Meanwhile the
 * checks send {@code TASK_RUNNING} updates with {@code healthy} ({@code
 * REASON_TASK_HEALTH_CHECK_STATUS_UPDATED}) through the driver when the task's health is first known and
 * whenever it changes; a task that fails {@code consecutive_failures} checks in a row is handed to the
 * executor's kill callback, which kills it as its kill policy says and reports {@link #killedUnhealthy}.
 *
 * <pre>{@code
 * HealthChecks checks = new HealthChecks();          // once per executor; close() at the end
 * // in launchTask, once the task runs and TASK_RUNNING is sent:
 * HealthChecks.Handle h = checks.start(driver, task, CheckProcesses.in(sandbox, env),
 *     message -> { unhealthy.put(id, message); killMyTask(id); });
 * // when the task's process ended, before its terminal update:
 * h.stop();
 * driver.sendStatusUpdate(unhealthy.containsKey(id) ? HealthChecks.killedUnhealthy(id, unhealthy.get(id)) : ...);
 * }</pre>
 */
public final class HealthChecks implements AutoCloseable {
  private final EventLoop loop;
  private final Clock clock;
  private final ExecutorService ownWorkers;
  private final java.util.concurrent.Executor workers;

  /** Checks on real time, with a timer thread and worker threads of their own. */
  public HealthChecks() {
    this.loop = EventLoop.threaded("corral-health-checks");
    this.clock = Clock.systemUTC();
    this.ownWorkers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "corral-health-check-worker");
      t.setDaemon(true);
      return t;
    });
    this.workers = ownWorkers;
  }

  /** Checks timed on {@code loop} and {@code clock} (a test's manual ones), run on {@code workers}. */
  public HealthChecks(EventLoop loop, Clock clock, java.util.concurrent.Executor workers) {
    this.loop = loop;
    this.clock = clock;
    this.ownWorkers = null;
    this.workers = workers;
  }

  /** A started task's checks; stopping twice is harmless. */
  @FunctionalInterface
  public interface Handle {
    /** Stops the checks: once it returns, no more health update of the task is sent. */
    void stop();
  }

  /**
   * Starts checking {@code task} as its {@code health_check} says (nothing, for a task without one),
   * from now: call it once the task runs.
   *
   * @param processes how its {@code COMMAND} check runs (the task's sandbox, environment and user)
   * @param killUnhealthy called once, on the checks' thread, with the message of the kill (the last failure
   *     named) when the task failed too many checks in a row: kill the task (its kill policy's grace) and
   *     report {@link #killedUnhealthy} as its end. Return quickly.
   */
  public Handle start(ExecutorDriver driver, TaskInfo task, CheckProcesses processes, Consumer<String> killUnhealthy) {
    if (!task.hasHealthCheck()) {
      return () -> {};
    }
    String id = task.getTaskId();
    HealthCheckSettings settings = HealthCheckSettings.of(task.getHealthCheck());
    HealthChecker checker = new HealthChecker(id, settings,
        Probes.of(task.getHealthCheck(), settings.timeout(), workers, processes), loop, clock,
        new HealthChecker.Listener() {
          @Override
          public void healthChanged(boolean healthy, String message) {
            driver.sendStatusUpdate(TaskStatus.newBuilder().setTaskId(id).setState(TaskState.TASK_RUNNING)
                .setHealthy(healthy).setReason(TaskStatusReason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED)
                .setMessage(message).build());
          }

          @Override
          public void unhealthy(String message) {
            killUnhealthy.accept(message);
          }
        });
    checker.start();
    return checker::stop;
  }

  /** The end of a task killed for failing its health checks: {@code TASK_KILLED}, unhealthy, saying why. */
  public static TaskStatus killedUnhealthy(String taskId, String message) {
    return TaskStatus.newBuilder().setTaskId(taskId).setState(TaskState.TASK_KILLED).setHealthy(false)
        .setReason(TaskStatusReason.REASON_TASK_UNHEALTHY).setMessage(message).build();
  }

  /** Stops every check (their timers and threads). */
  @Override
  public void close() {
    if (ownWorkers != null) {
      loop.close();
      ownWorkers.shutdownNow();
    }
  }
}
