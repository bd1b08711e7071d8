package io.corral.hadoop.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.common.SchedulerTaskLaunch;
import io.corral.common.DriverStatus;
import io.corral.common.loop.ManualEventLoop;
import io.corral.common.resources.Resources;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.Filters;
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
 * The job client's AM launch: the AM is its framework's scheduler task, told its framework's id, and
 * while the master drops it for the scheduler tasks' share, offers are declined for as long as the
 * wait for a slot lasts (the wait itself: {@code SchedulerTaskLaunchTest}). Time is a manual loop's.
 */
class AmLauncherTest {
  private final ManualEventLoop loop = new ManualEventLoop();
  private final List<String> calls = new ArrayList<>();
  private final List<TaskInfo> launched = new ArrayList<>();
  private final SchedulerDriver driver = (SchedulerDriver) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {SchedulerDriver.class}, (proxy, method, args) -> {
        switch (method.getName()) {
          case "launchTasks" -> {
            @SuppressWarnings("unchecked")
            List<TaskInfo> tasks = (List<TaskInfo>) args[1];
            launched.addAll(tasks);
            calls.add("launchTasks");
          }
          case "declineOffer" -> calls.add("declineOffer " + ((Filters) args[1]).getRefuseSeconds());
          default -> calls.add(method.getName());
        }
        return method.getReturnType() == DriverStatus.class ? DriverStatus.DRIVER_RUNNING : null;
      });
  private final AmLauncher launcher = new AmLauncher(new ResourceRequest(Resources.parse("cpus:1;mem:512"), 0),
      "the AM's settings", CommandInfo.newBuilder().setValue("run-am").build(), "FRAMEWORK_ID", Duration.ofMinutes(5),
      loop::schedule);

  @Test
  void theAmIsTheFrameworksSchedulerTaskAndOffersWaitWhileTheShareIsTaken() {
    launcher.registered(driver, "F1", MasterInfo.getDefaultInstance());
    launcher.resourceOffers(driver, List.of(offer("o1")));
    assertThat(launched).singleElement().satisfies(am -> {
      assertThat(am.getTaskId()).isEqualTo(AmLauncher.AM_TASK_ID);
      assertThat(am.getSchedulerTask()).isTrue();
      assertThat(am.getCommand().getEnvironmentList()).anyMatch(v -> v.getName().equals("FRAMEWORK_ID")
          && v.getValue().equals("F1"));
    });
    assertThat(take()).containsExactly("launchTasks", "suppressOffers");
    launcher.resourceOffers(driver, List.of(offer("o2")));
    assertThat(take()).as("launched: declined for long").containsExactly("declineOffer 60.0");

    launcher.statusUpdate(driver, shareRefusal());
    launcher.resourceOffers(driver, List.of(offer("o3"))); // made before the master saw the suppress
    assertThat(take()).as("waits for a slot: declined until the retry").containsExactly("declineOffer 5.0");

    loop.advance(SchedulerTaskLaunch.SLOT_RETRY);
    assertThat(take()).containsExactly("reviveOffers");
    launcher.resourceOffers(driver, List.of(offer("o4")));
    assertThat(take()).containsExactly("launchTasks", "suppressOffers");
    assertThat(launched).hasSize(2).allMatch(TaskInfo::getSchedulerTask);
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
