package io.corral.spark;

import io.corral.executor.CorralExecutorDriver;
import io.corral.executor.ExecutorDriver;
import io.corral.executor.ProcessTaskExecutor;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.util.concurrent.CompletableFuture;

/**
 * The Corral executor of one Spark executor, in the same JVM ({@link SparkExecutor} starts it):
 * runs Spark's own {@code CoarseGrainedExecutorBackend} with the process's arguments while it
 * registers with the agent and takes its one task (side by side: Spark's start-up does not wait
 * for Corral's). One JVM per executor, as Spark's standalone Worker starts them (a command task
 * would cost a second JVM).
 *
 * <p>The task is RUNNING while Spark's executor runs and FINISHED when Spark stops it; a kill, or
 * the agent's shutdown, ends the process (the agent then reports the task KILLED). When Spark's
 * executor exits the JVM on its own (driver gone, fatal error) or cannot run, the agent reports the
 * task FAILED with the exit status and the tail of stderr.
 */
final class SparkExecutorTask extends ProcessTaskExecutor {
  private final CompletableFuture<ExecutorDriver> driver = new CompletableFuture<>();

  private SparkExecutorTask() {}

  /** Runs Spark's executor and the Corral executor until the task ends; a throwable of either ends the JVM. */
  static void run(String[] args) {
    SparkExecutorTask executor = new SparkExecutorTask();
    // Spark first: the Corral client's start-up (gRPC, the agent connection) runs beside Spark's.
    Thread spark = new Thread(() -> {
      try {
        org.apache.spark.executor.CoarseGrainedExecutorBackend.main(args);
      } catch (Throwable t) {
        SparkExecutor.fail(t);
      }
      executor.sparkStopped();
    }, "spark-executor");
    spark.start();
    CorralExecutorDriver driver = new CorralExecutorDriver(executor);
    executor.driver.complete(driver);
    driver.run();
  }

  /** Spark stopped its executor (the driver asked it to): the task is done. */
  private void sparkStopped() {
    ExecutorDriver d = driver.join();
    String id = taskId();
    if (id != null) {
      d.sendStatusUpdate(TaskStatus.newBuilder().setTaskId(id).setState(TaskState.TASK_FINISHED)
          .setMessage("Spark stopped the executor").build());
    }
    d.stop();
  }

  @Override
  protected void start(ExecutorDriver driver, TaskInfo task) {
    driver.sendStatusUpdate(TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(TaskState.TASK_RUNNING)
        .build());
  }
}
