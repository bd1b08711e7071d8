package io.corral.executor;

import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An executor whose JVM is its one task, as a bridge runs a framework's own daemon (a Spark
 * executor, a Storm Supervisor): it takes one task and refuses a second; a kill of the task, or
 * the agent's shutdown, ends the JVM (shutdown hooks run; the agent then reports the task KILLED
 * and ends what the process left behind).
 */
public abstract class ProcessTaskExecutor implements Executor {
  private final AtomicReference<String> taskId = new AtomicReference<>();

  /** The task's id, or null before it is launched. */
  protected final String taskId() {
    return taskId.get();
  }

  /** Runs the one task; report TASK_RUNNING (or a failure) through the driver. */
  protected abstract void start(ExecutorDriver driver, TaskInfo task);

  @Override
  public void registered(ExecutorDriver driver, ExecutorInfo executorInfo, FrameworkInfo frameworkInfo,
      AgentInfo agentInfo) {}

  @Override
  public final void launchTask(ExecutorDriver driver, TaskInfo task) {
    if (!taskId.compareAndSet(null, task.getTaskId())) {
      driver.sendStatusUpdate(TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(TaskState.TASK_FAILED)
          .setMessage("this executor already runs task " + taskId.get()).build());
      return;
    }
    start(driver, task);
  }

  @Override
  public void killTask(ExecutorDriver driver, String id, KillPolicy killPolicy) {
    exit();
  }

  @Override
  public void shutdown(ExecutorDriver driver) {
    exit();
  }

  /** Ends the JVM off the callback thread (its shutdown hooks run). */
  protected static void exit() {
    Thread t = new Thread(() -> System.exit(0), "executor-exit");
    t.setDaemon(true);
    t.start();
  }
}
