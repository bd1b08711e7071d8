package io.corral.it;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A custom executor for tests: runs tasks "in process" (they just report RUNNING, or FINISHED
 * when their data says "finish"), and echoes framework messages back with an "echo:" prefix. A
 * task whose data is {@code sh:<command>} runs the command as a child and reports FINISHED when it
 * ends, whatever its exit status (an executor that trusts its children too much).
 */
public final class EchoExecutor implements Executor {
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  /** The shell command that starts this executor with the test's classpath. */
  public static String command() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return "exec " + java + " -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '"
        + System.getProperty("java.class.path") + "' " + EchoExecutor.class.getName();
  }

  public static void main(String[] args) {
    DriverStatus end = new CorralExecutorDriver(new EchoExecutor()).run();
    System.exit(end == DriverStatus.DRIVER_STOPPED ? 0 : 1);
  }

  @Override
  public void registered(ExecutorDriver driver, ExecutorInfo executorInfo, FrameworkInfo frameworkInfo,
      AgentInfo agentInfo) {
    System.out.println("registered with agent " + agentInfo.getId());
  }

  @Override
  public void launchTask(ExecutorDriver driver, TaskInfo task) {
    running.add(task.getTaskId());
    driver.sendStatusUpdate(status(task.getTaskId(), TaskState.TASK_RUNNING,
        "pid " + ProcessHandle.current().pid()));
    String data = task.getData().toStringUtf8();
    if (data.startsWith("sh:")) {
      Thread child = new Thread(() -> runChild(driver, task.getTaskId(), data.substring(3)), "child-" + task.getTaskId());
      child.setDaemon(true);
      child.start();
    } else if (data.equals("finish")) {
      running.remove(task.getTaskId());
      driver.sendStatusUpdate(status(task.getTaskId(), TaskState.TASK_FINISHED, "done"));
    }
  }

  private void runChild(ExecutorDriver driver, String taskId, String command) {
    String how;
    try {
      Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      how = "child exited with status " + p.waitFor();
    } catch (java.io.IOException e) {
      how = "child did not start: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (running.remove(taskId)) {
      driver.sendStatusUpdate(status(taskId, TaskState.TASK_FINISHED, how));
    }
  }

  @Override
  public void killTask(ExecutorDriver driver, String taskId, KillPolicy killPolicy) {
    if (running.remove(taskId)) {
      driver.sendStatusUpdate(status(taskId, TaskState.TASK_KILLED, "killed"));
    }
  }

  @Override
  public void frameworkMessage(ExecutorDriver driver, byte[] data) {
    driver.sendFrameworkMessage(("echo:" + new String(data, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void shutdown(ExecutorDriver driver) {
    for (String id : running) {
      driver.sendStatusUpdate(status(id, TaskState.TASK_KILLED, "executor shut down"));
    }
    running.clear();
  }

  private static TaskStatus status(String taskId, TaskState state, String message) {
    return TaskStatus.newBuilder().setTaskId(taskId).setState(state).setMessage(message).build();
  }
}
