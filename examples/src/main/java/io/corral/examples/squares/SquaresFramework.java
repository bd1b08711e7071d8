package io.corral.examples.squares;

import com.google.protobuf.ByteString;
import io.corral.common.resources.Resources;
import io.corral.common.task.TaskStates;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The smallest complete framework: this scheduler launches N tasks on its own executor ({@link SquareExecutor}),
 * which the agents fetch by URI (this module's jar) and start; task i returns i*i, and the scheduler adds them up.
 * Arguments: the master, N, the jar's URI, and the classpath of Corral's libraries on the agents (default: this
 * JVM's classpath; the executor runs with this JVM's java, as on one machine).
 */
public final class SquaresFramework implements Scheduler {
  private static final Resources EXECUTOR = Resources.parse("cpus:0.1;mem:128");
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:16");
  private final Map<String, Long> squares = new TreeMap<>();
  private final CompletableFuture<Long> sum = new CompletableFuture<>();
  private final ExecutorInfo executor;
  private final int tasks;
  private int launched;

  SquaresFramework(int tasks, String jarUri, String classpath) {
    this.tasks = tasks;
    String jar = jarUri.substring(jarUri.lastIndexOf('/') + 1); // fetched into the executor's sandbox
    executor = ExecutorInfo.newBuilder().setExecutorId("squares").addAllResources(EXECUTOR.toProto())
        .setCommand(TaskInfos.shell("exec " + System.getProperty("java.home") + "/bin/java -Xmx64m -cp '" + jar + ":"
            + classpath + "' " + SquareExecutor.class.getName(), List.of(jarUri))).build();
  }

  @Override
  public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {
    for (Offer offer : offers) {
      Resources left = Resources.fromProto(offer.getResourcesList()); // less the executor's, unless it runs there
      left = offer.getExecutorIdsList().contains("squares") ? left : left.minus(EXECUTOR);
      List<TaskInfo> launch = new ArrayList<>();
      for (; launched < tasks && left.contains(TASK); launched++, left = left.minus(TASK)) {
        byte[] number = ByteString.copyFromUtf8(Integer.toString(launched)).toByteArray();
        launch.add(TaskInfos.forExecutor("square-" + launched, offer, TASK, executor, number));
      }
      driver.launchTasks(List.of(offer.getId()), launch); // what the tasks leave (all, if none) is declined
    }
  }

  @Override
  public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
    if (status.getState() == TaskState.TASK_FINISHED) {
      squares.put(status.getTaskId(), Long.parseLong(status.getData().toStringUtf8()));
      if (squares.size() == tasks) {
        sum.complete(squares.values().stream().mapToLong(Long::longValue).sum());
      }
    } else if (TaskStates.isTerminal(status.getState())) {
      sum.completeExceptionally(new IllegalStateException(status.getTaskId() + " " + status.getState()));
    }
  }

  public static void main(String[] args) {
    int n = Integer.parseInt(args[1]);
    var framework = new SquaresFramework(n, args[2], args.length > 3 ? args[3] : System.getProperty("java.class.path"));
    var driver = new CorralSchedulerDriver(framework, FrameworkInfo.newBuilder().setName("squares").build(), args[0]);
    driver.start();
    String result = framework.sum.thenApply(sum -> "sum of the squares of 0.." + (n - 1) + ": " + sum)
        .exceptionally(e -> "failed: " + e.getCause().getMessage()).join();
    driver.stop(); // the framework ends, and with it its executors
    driver.join();
    System.out.println(result);
    System.exit(result.startsWith("failed") ? 1 : 0);
  }
}
