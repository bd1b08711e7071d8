package io.corral.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.common.SchedulerTaskLaunch;
import io.corral.common.DriverStatus;
import io.corral.common.loop.ManualEventLoop;
import io.corral.common.resources.Resources;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.SchedulerDriver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code corral spark submit}'s driver launch: the driver is its framework's scheduler task, told its
 * framework's role, and a submission the master drops for the scheduler tasks' share says once that
 * it waits for a slot (the wait itself: {@code SchedulerTaskLaunchTest}). Time is a manual loop's.
 */
class DriverLaunchTest {
  private final ManualEventLoop loop = new ManualEventLoop();
  private final List<String> calls = new ArrayList<>();
  private final List<TaskInfo> launched = new ArrayList<>();
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final SchedulerDriver driver = (SchedulerDriver) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {SchedulerDriver.class}, (proxy, method, args) -> {
        calls.add(method.getName());
        if (method.getName().equals("launchTasks")) {
          @SuppressWarnings("unchecked")
          List<TaskInfo> tasks = (List<TaskInfo>) args[1];
          launched.addAll(tasks);
        }
        return method.getReturnType() == DriverStatus.class ? DriverStatus.DRIVER_RUNNING : null;
      });
  private final DriverLaunch launch = new DriverLaunch("m1:5050", null, new SparkDriverTask("m1:5050", "/opt/spark",
      null, "/opt/corral/bridges/spark/corral-spark.jar", "1g", false, "my app", 60,
      List.of("--class", "a.B", "app.jar")), "etl", 1, 1024, Duration.ofMinutes(5),
      new PrintStream(printed, true, StandardCharsets.UTF_8), loop::schedule);

  @Test
  void theDriverIsTheFrameworksSchedulerTaskAndTheSubmissionSaysOnceThatItWaitsForASlot() {
    launch.resourceOffers(driver, List.of(offer("o1")));
    assertThat(launched).singleElement().satisfies(d -> {
      assertThat(d.getTaskId()).isEqualTo("driver");
      assertThat(d.getSchedulerTask()).isTrue();
      assertThat(d.getCommand().getEnvironmentList()).anyMatch(v -> v.getName().equals("CORRAL_SPARK_DRIVER_ROLE")
          && v.getValue().equals("etl"));
    });
    assertThat(take()).containsExactly("launchTasks", "suppressOffers");

    launch.statusUpdate(driver, shareRefusal());
    loop.advance(SchedulerTaskLaunch.SLOT_RETRY);
    assertThat(take()).containsExactly("reviveOffers");
    launch.resourceOffers(driver, List.of(offer("o2")));
    assertThat(launched).hasSize(2).allMatch(TaskInfo::getSchedulerTask);
    launch.statusUpdate(driver, shareRefusal());

    assertThat(printed.toString(StandardCharsets.UTF_8)).as("said once, while it waits").isEqualTo(
        "waiting: for a scheduler slot, the driver is tried again every 5 s (the scheduler tasks may hold 0.1 of the"
            + " cluster (--scheduler-task-share) and ...)" + System.lineSeparator());
  }

  private List<String> take() {
    List<String> out = List.copyOf(calls);
    calls.clear();
    return out;
  }

  private static Offer offer(String id) {
    return Offer.newBuilder().setId(id).setAgentId("A1").setHostname("h1")
        .addAllResources(Resources.parse("cpus:4;mem:4096").toProto()).build();
  }

  private static TaskStatus shareRefusal() {
    return TaskStatus.newBuilder().setTaskId("driver").setState(TaskState.TASK_DROPPED)
        .setReason(TaskStatusReason.REASON_SCHEDULER_TASK_SHARE)
        .setMessage("the scheduler tasks may hold 0.1 of the cluster (--scheduler-task-share) and ...").build();
  }
}
