package io.corral.examples.squares;

import com.google.protobuf.ByteString;
import io.corral.common.DriverStatus;
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

/**
 * The executor of {@link SquaresFramework}: the agent starts it (from the jar it fetched) for the framework's
 * first task on that agent; each task's data is a number, and its square is the task's result.
 */
public final class SquareExecutor implements Executor {
  public static void main(String[] args) {
    System.exit(new CorralExecutorDriver(new SquareExecutor()).run() == DriverStatus.DRIVER_STOPPED ? 0 : 1);
  }

  @Override
  public void launchTask(ExecutorDriver driver, TaskInfo task) {
    long n = Long.parseLong(task.getData().toStringUtf8());
    driver.sendStatusUpdate(TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(TaskState.TASK_FINISHED)
        .setData(ByteString.copyFromUtf8(Long.toString(n * n))).build());
  }

  @Override
  public void killTask(ExecutorDriver driver, String taskId, KillPolicy policy) {
    driver.sendStatusUpdate(TaskStatus.newBuilder().setTaskId(taskId).setState(TaskState.TASK_KILLED).build());
  }

  @Override
  public void registered(ExecutorDriver driver, ExecutorInfo info, FrameworkInfo framework, AgentInfo agent) {}

  @Override
  public void shutdown(ExecutorDriver driver) {}
}
