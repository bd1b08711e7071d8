package io.corral.examples.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.common.DriverStatus;
import io.corral.scheduler.SchedulerDriver;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example framework's answers to its callbacks, with a driver that only writes down what it is asked. */
class ShellFrameworkTest {
  private final List<String> launched = new ArrayList<>();
  private final List<List<String>> asked = new ArrayList<>();
  private final SchedulerDriver driver = (SchedulerDriver) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {SchedulerDriver.class}, (proxy, method, args) -> {
        if (method.getName().equals("launchTasks")) {
          @SuppressWarnings("unchecked")
          Collection<TaskInfo> tasks = (Collection<TaskInfo>) args[1];
          tasks.forEach(t -> launched.add(t.getTaskId()));
        } else if (method.getName().equals("reconcileTasks")) {
          @SuppressWarnings("unchecked")
          Collection<TaskStatus> statuses = (Collection<TaskStatus>) args[0];
          asked.add(statuses.stream().map(TaskStatus::getTaskId).toList());
        }
        return DriverStatus.DRIVER_RUNNING;
      });

  private static Offer offer(String id) {
    return Offer.newBuilder().setId(id).setAgentId("a1").setHostname("h")
        .addAllResources(Resources.parse("cpus:1;mem:128").toProto()).build();
  }

  private static TaskStatus status(String taskId, TaskState state, TaskStatusReason reason) {
    return TaskStatus.newBuilder().setTaskId(taskId).setState(state).setReason(reason).build();
  }

  private ShellFramework registered(int retries) {
    ShellFramework f = new ShellFramework(CommandInfo.newBuilder().setValue("true").build(), 1, 1, 128, retries);
    f.start(new ShellFramework.Progress() {}, false);
    f.registered(driver, "fw", MasterInfo.getDefaultInstance());
    return f;
  }

  @Test
  void aPreemptedRunIsRunAgainWithoutSpendingARetry() {
    ShellFramework f = registered(0);
    f.resourceOffers(driver, List.of(offer("o1")));
    f.statusUpdate(driver, status("task-0", TaskState.TASK_KILLED, TaskStatusReason.REASON_PREEMPTED));
    assertThat(f.outcome()).isNotDone();

    f.resourceOffers(driver, List.of(offer("o2")));
    f.statusUpdate(driver, status("task-0.1", TaskState.TASK_FINISHED, TaskStatusReason.REASON_COMMAND_EXITED));

    assertThat(launched).containsExactly("task-0", "task-0.1");
    assertThat(f.outcome().join().finished()).isEqualTo(1);
    assertThat(f.preempted()).isEqualTo(1);
  }

  @Test
  void retriesAreSpentOnlyOnRunsThatFailed() {
    ShellFramework f = registered(1);
    f.resourceOffers(driver, List.of(offer("o1")));
    f.statusUpdate(driver, status("task-0", TaskState.TASK_KILLED, TaskStatusReason.REASON_PREEMPTED));
    f.resourceOffers(driver, List.of(offer("o2")));
    f.statusUpdate(driver, status("task-0.1", TaskState.TASK_FAILED, TaskStatusReason.REASON_COMMAND_EXITED));
    f.resourceOffers(driver, List.of(offer("o3")));
    f.statusUpdate(driver, status("task-0.2", TaskState.TASK_FAILED, TaskStatusReason.REASON_COMMAND_EXITED));

    assertThat(launched).containsExactly("task-0", "task-0.1", "task-0.2");
    assertThat(f.outcome().join().failures()).extracting(TaskStatus::getTaskId).containsExactly("task-0.2");
    assertThat(f.preempted()).isEqualTo(1);
  }

  @Test
  void aRunKilledForAnotherReasonSpendsARetry() {
    ShellFramework f = registered(0);
    f.resourceOffers(driver, List.of(offer("o1")));
    f.statusUpdate(driver, status("task-0", TaskState.TASK_KILLED, TaskStatusReason.REASON_KILLED_BY_SCHEDULER));
    assertThat(f.outcome().join().failures()).hasSize(1);
    assertThat(f.preempted()).isZero();
  }

  @Test
  void afterAFailoverItFindsRunsBeyondItsRetriesAndAdoptsTheLatest() {
    ShellFramework f = new ShellFramework(CommandInfo.newBuilder().setValue("true").build(), 1, 1, 128, 1);
    f.start(new ShellFramework.Progress() {}, true);
    f.registered(driver, "fw", MasterInfo.getDefaultInstance());
    assertThat(asked).containsExactly(List.of("task-0", "task-0.1"));
    f.statusUpdate(driver, status("task-0", TaskState.TASK_KILLED, TaskStatusReason.REASON_PREEMPTED));
    f.statusUpdate(driver, status("task-0.1", TaskState.TASK_KILLED, TaskStatusReason.REASON_PREEMPTED));
    assertThat(asked).as("two preempted runs: there may be later ones").hasSize(2)
        .last().isEqualTo(List.of("task-0.2", "task-0.3"));
    f.resourceOffers(driver, List.of(offer("o1")));
    assertThat(launched).as("nothing launched before every run is known").isEmpty();

    f.statusUpdate(driver, status("task-0.2", TaskState.TASK_RUNNING, TaskStatusReason.REASON_COMMAND_EXITED));
    f.statusUpdate(driver, status("task-0.3", TaskState.TASK_UNKNOWN, TaskStatusReason.REASON_RECONCILIATION));
    f.resourceOffers(driver, List.of(offer("o2")));
    assertThat(launched).as("task-0.2 runs: adopted, not run again").isEmpty();
    assertThat(f.preempted()).isEqualTo(2);

    f.statusUpdate(driver, status("task-0.2", TaskState.TASK_FAILED, TaskStatusReason.REASON_COMMAND_EXITED));
    f.resourceOffers(driver, List.of(offer("o3")));
    assertThat(launched).as("the preemptions spent no retry: one is left").containsExactly("task-0.3");
    f.statusUpdate(driver, status("task-0.3", TaskState.TASK_FINISHED, TaskStatusReason.REASON_COMMAND_EXITED));
    assertThat(f.outcome().join().finished()).isEqualTo(1);
  }
}
