package io.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskReconcilerTest {
  private final List<List<String>> asks = new ArrayList<>();

  /** A driver that only records reconciliation requests. */
  private SchedulerDriver driver() {
    return (SchedulerDriver) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SchedulerDriver.class},
        (proxy, method, args) -> {
          if (method.getName().equals("reconcileTasks")) {
            @SuppressWarnings("unchecked")
            Collection<TaskStatus> statuses = (Collection<TaskStatus>) args[0];
            asks.add(statuses.stream().map(TaskStatus::getTaskId).toList());
          }
          return null;
        });
  }

  private static TaskStatus status(String id, TaskState state) {
    return TaskStatus.newBuilder().setTaskId(id).setState(state).build();
  }

  private static TaskReconciler<Integer> attemptsOfTwoTasks() {
    Map<String, Integer> ids = new LinkedHashMap<>();
    ids.put("task-0", 0);
    ids.put("task-0.1", 0);
    ids.put("task-1", 1);
    ids.put("task-1.1", 1);
    return new TaskReconciler<>(ids);
  }

  @Test
  void nothingToAskIsDoneAtOnce() {
    TaskReconciler<Integer> r = TaskReconciler.none();
    r.ask(driver());
    assertThat(r.done()).isTrue();
    assertThat(asks).isEmpty();
    assertThat(r.offer(status("task-0", TaskState.TASK_RUNNING))).isFalse();
  }

  @Test
  void asksAgainOnlyForUnansweredIdsAndIsDoneWhenAllAnswered() {
    TaskReconciler<Integer> r = attemptsOfTwoTasks();
    SchedulerDriver d = driver();
    r.ask(d);
    assertThat(r.offer(status("task-0", TaskState.TASK_FAILED))).isTrue();
    assertThat(r.offer(status("other", TaskState.TASK_RUNNING))).isFalse();
    r.ask(d); // re-registered: the other answers were lost
    assertThat(asks).containsExactly(List.of("task-0", "task-0.1", "task-1", "task-1.1"),
        List.of("task-0.1", "task-1", "task-1.1"));
    r.offer(status("task-0.1", TaskState.TASK_RUNNING));
    r.offer(status("task-1", TaskState.TASK_UNKNOWN));
    assertThat(r.done()).isFalse();
    r.offer(status("task-1.1", TaskState.TASK_UNKNOWN));
    assertThat(r.done()).isTrue();
    assertThat(r.offer(status("task-0.1", TaskState.TASK_FINISHED))).as("after it is done").isFalse();
  }

  @Test
  void latestIsTheLastKnownAttemptOfEachTask() {
    TaskReconciler<Integer> r = attemptsOfTwoTasks();
    r.offer(status("task-0", TaskState.TASK_FAILED));
    r.offer(status("task-0.1", TaskState.TASK_RUNNING));
    r.offer(status("task-0.1", TaskState.TASK_FINISHED)); // a newer update arrived before the answer
    r.offer(status("task-1", TaskState.TASK_UNKNOWN));
    r.offer(status("task-1.1", TaskState.TASK_UNKNOWN));
    assertThat(r.latest()).containsOnlyKeys(0);
    assertThat(r.latest().get(0).getTaskId()).isEqualTo("task-0.1");
    assertThat(r.latest().get(0).getState()).isEqualTo(TaskState.TASK_FINISHED);
  }

  @Test
  void idsAskedLaterAreAnsweredBeforeItIsDoneAgainAndKeepTheirOrder() {
    TaskReconciler<Integer> r = attemptsOfTwoTasks();
    SchedulerDriver d = driver();
    r.ask(d);
    r.offer(status("task-0", TaskState.TASK_KILLED));
    r.offer(status("task-0.1", TaskState.TASK_KILLED));
    r.offer(status("task-1", TaskState.TASK_FINISHED));
    r.offer(status("task-1.1", TaskState.TASK_UNKNOWN));
    assertThat(r.done()).isTrue();

    r.askMore(d, Map.of("task-0.2", 0));
    assertThat(r.done()).isFalse();
    assertThat(asks.get(asks.size() - 1)).containsExactly("task-0.2");
    assertThat(r.offer(status("task-0.2", TaskState.TASK_RUNNING))).isTrue();
    assertThat(r.done()).isTrue();
    assertThat(r.known().get(0)).extracting(TaskStatus::getTaskId).containsExactly("task-0", "task-0.1", "task-0.2");
    assertThat(r.latest().get(0).getTaskId()).isEqualTo("task-0.2");
    assertThat(r.known().get(1)).extracting(TaskStatus::getTaskId).containsExactly("task-1");
  }
}
