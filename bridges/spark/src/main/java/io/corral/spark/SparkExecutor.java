package io.corral.spark;

import io.corral.executor.CorralExecutorDriver;
import io.corral.executor.ExecutorDriver;
import io.corral.executor.ProcessTaskExecutor;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;

/**
 * The Corral executor of one Spark executor, in the same JVM: the agent starts this process,
 * which runs Spark's own {@code CoarseGrainedExecutorBackend} with the arguments it was started
 * with while it registers with the agent and takes its one task (side by side: Spark's start-up
 * does not wait for Corral's). One JVM per executor, as Spark's standalone Worker starts them (a
 * command task would cost a second JVM).
 *
 * <p>The task is RUNNING while Spark's executor runs and FINISHED when Spark stops it; a kill, or
 * the agent's shutdown, ends the process (the agent then reports the task KILLED). When Spark's
 * executor exits the JVM on its own (driver gone, fatal error), the agent reports the task
 * FAILED with the exit status and the tail of stderr.
 */
public final class SparkExecutor extends ProcessTaskExecutor {
  private final java.util.concurrent.CompletableFuture<ExecutorDriver> driver =
      new java.util.concurrent.CompletableFuture<>();

  public static void main(String[] args) {
    SparkExecutor executor = new SparkExecutor();
    // Spark first: the Corral client's start-up (gRPC, the agent connection) runs beside Spark's.
    Thread spark = new Thread(() -> {
      org.apache.spark.executor.CoarseGrainedExecutorBackend.main(args);
      executor.sparkStopped();
    }, "spark-executor");
    spark.start();
    CorralExecutorDriver driver = new CorralExecutorDriver(executor);
    executor.driver.complete(driver);
    driver.run();
    System.exit(0);
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
