package io.corral.hadoop.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.DriverStatus;
import io.corral.common.resources.Resources;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.ResourceRequest;
import io.corral.scheduler.SchedulerDriver;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The job client's AM launch: the AM is its framework's scheduler task, and when the master drops
 * it for the scheduler tasks' share, the job waits for a slot and launches it again later rather
 * than failing. The later is the test's: nothing waits in real time.
 */
class AmLauncherTest {
  private final List<Runnable> later = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private final List<TaskInfo> launched = new ArrayList<>();
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
  private final AmLauncher launcher = new AmLauncher(new ResourceRequest(Resources.parse("cpus:1;mem:512"), 0),
      "the AM's settings", CommandInfo.newBuilder().setValue("run-am").build(), "FRAMEWORK_ID", Duration.ofMinutes(5),
      later::add);

  @Test
  void theAmIsTheFrameworksSchedulerTaskAndWaitsForASlotWhileTheShareIsTaken() {
    launcher.registered(driver, "F1", MasterInfo.getDefaultInstance());
    launcher.resourceOffers(driver, List.of(offer("o1")));
    assertThat(launched).singleElement().satisfies(am -> {
      assertThat(am.getTaskId()).isEqualTo(AmLauncher.AM_TASK_ID);
      assertThat(am.getSchedulerTask()).isTrue();
    });
    assertThat(take()).containsExactly("launchTasks", "suppressOffers");

    launcher.statusUpdate(driver, shareRefusal());
    launcher.resourceOffers(driver, List.of(offer("o2"))); // made before the master saw the suppress
    assertThat(take()).as("waits: no launch until the retry is due").containsExactly("declineOffer");
    assertThat(launched).hasSize(1);
    assertThat(later).as("one retry").hasSize(1);

    later.remove(0).run();
    assertThat(take()).containsExactly("reviveOffers");
    launcher.resourceOffers(driver, List.of(offer("o3")));
    assertThat(take()).containsExactly("launchTasks", "suppressOffers");
    assertThat(launched).hasSize(2).allMatch(TaskInfo::getSchedulerTask);

    launcher.statusUpdate(driver, shareRefusal());
    assertThat(later).as("refused again: another retry").hasSize(1);
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
    return TaskStatus.newBuilder().setTaskId(AmLauncher.AM_TASK_ID).setState(TaskState.TASK_DROPPED)
        .setReason(TaskStatusReason.REASON_SCHEDULER_TASK_SHARE)
        .setMessage("the scheduler tasks may hold 0.1 of the cluster (--scheduler-task-share) and ...").build();
  }
}
