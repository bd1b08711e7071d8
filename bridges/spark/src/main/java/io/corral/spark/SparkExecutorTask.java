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
 * <p>The task is RUNNING while Spark's executor runs, and FINISHED when it ends cleanly: the driver
 * stopped it, or it left once decommissioned (for a preemption notice, or released by dynamic
 * allocation); the JVM exits once the agent has that update. A kill, or the agent's shutdown, ends
 * the process (the agent then reports the task KILLED). When Spark's executor leaves with a
 * failure (driver gone) the JVM exits with its status and reason; when it cannot run, with 1
 * ({@link SparkExecutor}): the agent reports the task FAILED with the status and stderr's tail.
 */
final class SparkExecutorTask extends ProcessTaskExecutor {
  private final CompletableFuture<ExecutorDriver> driver = new CompletableFuture<>();

  private SparkExecutorTask() {}

  /** Runs Spark's executor and the Corral executor until the task ends; a throwable of either ends the JVM. */
  static void run(String[] args) {
    SparkExecutorTask executor = new SparkExecutorTask();
    // Spark first: the Corral client's start-up (gRPC, the agent connection) runs beside Spark's.
    Thread spark = new Thread(() -> {
      ExecutorExit exit;
      try {
        exit = ExecutorBackend.run(args);
      } catch (Throwable t) {
        SparkExecutor.fail(t);
        return;
      }
      executor.sparkEnded(exit);
    }, "spark-executor");
    spark.start();
    CorralExecutorDriver driver = new CorralExecutorDriver(executor);
    executor.driver.complete(driver);
    driver.run();
  }

  /** Spark's executor ended: a clean end finishes the task, a failed one ends the JVM with its status. */
  private void sparkEnded(ExecutorExit exit) {
    if (!exit.clean()) {
      System.err.println(exit.failureLine());
      System.err.flush();
      System.exit(exit.code());
    }
    ExecutorDriver d = driver.join();
    String id = taskId();
    if (id != null) {
      d.sendStatusUpdate(exit.finished(id));
    }
    d.stopWhenAcknowledged(); // then run() returns and the JVM exits
  }

  @Override
  protected void start(ExecutorDriver driver, TaskInfo task) {
    driver.sendStatusUpdate(TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(TaskState.TASK_RUNNING)
        .build());
  }
}
