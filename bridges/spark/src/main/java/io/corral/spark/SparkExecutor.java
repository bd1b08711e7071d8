package io.corral.spark;

import io.corral.executor.CorralExecutorDriver;
import io.corral.executor.Executor;
import io.corral.executor.ExecutorDriver;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Corral executor of one Spark executor, in the same JVM: the agent starts this process, it
 * registers with the agent, and on its task it runs Spark's own
 * {@code CoarseGrainedExecutorBackend} with the arguments it was started with. One JVM per
 * executor, as Spark's standalone Worker starts them (a command task would cost a second JVM).
 *
 * <p>The task is RUNNING while Spark's executor runs and FINISHED when Spark stops it; a kill, or
 * the agent's shutdown, ends the process (the agent then reports the task KILLED). When Spark's
 * executor exits the JVM on its own (driver gone, fatal error), the agent reports the task
 * FAILED with the exit status and the tail of stderr.
 */
public final class SparkExecutor implements Executor {
  private final String[] sparkArgs;
  private final AtomicReference<String> taskId = new AtomicReference<>();

  private SparkExecutor(String[] sparkArgs) {
    this.sparkArgs = sparkArgs;
  }

  public static void main(String[] args) {
    CorralExecutorDriver driver = new CorralExecutorDriver(new SparkExecutor(args));
    driver.run();
    System.exit(0);
  }

  @Override
  public void registered(ExecutorDriver driver, ExecutorInfo executorInfo, FrameworkInfo frameworkInfo,
      AgentInfo agentInfo) {}

  @Override
  public void launchTask(ExecutorDriver driver, TaskInfo task) {
    if (!taskId.compareAndSet(null, task.getTaskId())) {
      driver.sendStatusUpdate(TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(TaskState.TASK_FAILED)
          .setMessage("this Spark executor already runs task " + taskId.get()).build());
      return;
    }
    driver.sendStatusUpdate(TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(TaskState.TASK_RUNNING)
        .build());
    Thread spark = new Thread(() -> {
      org.apache.spark.executor.CoarseGrainedExecutorBackend.main(sparkArgs);
      driver.sendStatusUpdate(TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(TaskState.TASK_FINISHED)
          .setMessage("Spark stopped the executor").build());
      driver.stop();
    }, "spark-executor");
    spark.start();
  }

  @Override
  public void killTask(ExecutorDriver driver, String id, KillPolicy killPolicy) {
    exit();
  }

  @Override
  public void shutdown(ExecutorDriver driver) {
    exit();
  }

  /** Ends the JVM (Spark's shutdown hooks run) off the callback thread. */
  private static void exit() {
    Thread t = new Thread(() -> System.exit(0), "spark-executor-exit");
    t.setDaemon(true);
    t.start();
  }
}
