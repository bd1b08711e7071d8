package io.corral.services.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.TaskState;
import io.corral.services.app.AppId;
import io.corral.services.app.Constraint;
import io.corral.services.app.KillSelection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KillSelectorTest {
  private static Instance task(int n, String rack, TaskState state, Boolean healthy) {
    Instant t = Instant.EPOCH.plusSeconds(n);
    return new Instance("web." + n, new AppId("/web"), Instant.EPOCH, Instant.EPOCH, "agent-" + n, "host-" + n,
        Map.of("rack", rack), List.of(), state, healthy != null, healthy, null, t,
        state == TaskState.TASK_RUNNING ? t : null, null, false);
  }

  @Test
  void groupByKeepsTheSpreadEven() {
    List<Instance> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      tasks.add(task(i, "r1", TaskState.TASK_RUNNING, null));
    }
    tasks.add(task(6, "r2", TaskState.TASK_RUNNING, null));
    tasks.add(task(7, "r2", TaskState.TASK_RUNNING, null));
    tasks.add(task(8, "r3", TaskState.TASK_RUNNING, null));
    List<Instance> killed = KillSelector.select(tasks, 5, KillSelection.YOUNGEST_FIRST,
        List.of(new Constraint("rack", Constraint.Operator.GROUP_BY, null)));
    List<Instance> left = new ArrayList<>(tasks);
    left.removeAll(killed);
    assertThat(left.stream().collect(Collectors.groupingBy(i -> i.attributes().get("rack"), Collectors.counting())))
        .containsEntry("r1", 2L).containsEntry("r2", 1L).containsEntry("r3", 1L);
    assertThat(killed.get(0).taskId()).as("the youngest of the largest rack").isEqualTo("web.5");
  }

  @Test
  void theLeastServingGoFirst() {
    List<Instance> tasks = List.of(task(1, "r", TaskState.TASK_RUNNING, true), task(2, "r", TaskState.TASK_STAGING, null),
        task(3, "r", TaskState.TASK_RUNNING, false), task(4, "r", TaskState.TASK_STARTING, null),
        task(5, "r", TaskState.TASK_RUNNING, true));
    assertThat(KillSelector.select(tasks, 5, KillSelection.OLDEST_FIRST, List.of()))
        .extracting(Instance::taskId).containsExactly("web.3", "web.2", "web.4", "web.1", "web.5");
    assertThat(KillSelector.select(tasks, 5, KillSelection.YOUNGEST_FIRST, List.of()))
        .extracting(Instance::taskId).containsExactly("web.3", "web.2", "web.4", "web.5", "web.1");
  }
}
