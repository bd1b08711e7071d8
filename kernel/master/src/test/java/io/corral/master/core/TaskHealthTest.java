package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.http.HttpIo;
import io.corral.master.http.StateSnapshot;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The master keeps the latest health a task's updates reported (an update without it keeps the one
 * before), passes the updates on as they are, shows the health in its API and answers reconciliation
 * with it; on the master's loop with a manual clock.
 */
class TaskHealthTest {
  private final ManualMaster master = ManualMaster.serving().start();
  private final ManualMaster.Agent agent = master.agent("cpus:2;mem:2048");
  private final ManualMaster.Scheduler fw = master.scheduler(ManualMaster.framework("services"));

  TaskHealthTest() {
    master.advance(Duration.ofSeconds(1)); // an allocation cycle
    Offer offer = fw.outstanding().get(0);
    fw.launch(offer, ManualMaster.task("web", "cpus:0.5;mem:128"), ManualMaster.task("plain", "cpus:0.5;mem:128"));
  }

  private TaskStatus.Builder update(String taskId, TaskState state) {
    return TaskStatus.newBuilder().setFrameworkId(fw.id()).setTaskId(taskId).setState(state);
  }

  private TaskStatus.Builder health(boolean healthy, String message) {
    return update("web", TaskState.TASK_RUNNING).setHealthy(healthy).setMessage(message)
        .setReason(TaskStatusReason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
  }

  private StateSnapshot.TaskJson json(String taskId) {
    StateSnapshot state = master.query(v -> StateSnapshot.capture(v, null, ManualMaster.START));
    return java.util.stream.Stream.concat(state.tasks().stream(), state.completedTasks().stream())
        .filter(t -> t.id().equals(taskId)).findFirst().orElseThrow();
  }

  private JsonNode serialised(String taskId) {
    return HttpIo.JSON.valueToTree(json(taskId));
  }

  private TaskStatus reconciled(String taskId) {
    int before = fw.statuses(taskId).size();
    fw.call(SchedulerCall.newBuilder().setReconcile(SchedulerCall.Reconcile.newBuilder()
        .addTasks(SchedulerCall.Reconcile.Task.newBuilder().setTaskId(taskId).setAgentId(agent.id()))));
    List<TaskStatus> all = fw.statuses(taskId);
    assertThat(all).hasSize(before + 1);
    return all.get(all.size() - 1);
  }

  @Test
  void aTaskWithoutHealthShowsNoneAndItsUpdatesCarryNone() {
    agent.update(update("plain", TaskState.TASK_RUNNING));

    assertThat(json("plain").healthy()).isNull();
    assertThat(serialised("plain").has("healthy")).as("left out of the JSON").isFalse();
    assertThat(reconciled("plain").hasHealthy()).isFalse();
  }

  @Test
  void theLatestHealthReportedIsKeptShownAndPassedOnAsItCame() {
    agent.update(update("web", TaskState.TASK_RUNNING));
    assertThat(json("web").healthy()).isNull();

    agent.update(health(true, "HTTP GET http://127.0.0.1:31000/: 200"));
    TaskStatus forwarded = fw.statuses("web").get(1);
    assertThat(forwarded.getHealthy()).isTrue();
    assertThat(forwarded.getReason()).isEqualTo(TaskStatusReason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
    assertThat(forwarded.getMessage()).isEqualTo("HTTP GET http://127.0.0.1:31000/: 200");
    assertThat(json("web").healthy()).isTrue();
    assertThat(serialised("web").get("healthy").asBoolean()).isTrue();
    assertThat(json("web").state()).isEqualTo("TASK_RUNNING");

    agent.update(health(false, "HTTP GET http://127.0.0.1:31000/: 503"));
    assertThat(json("web").healthy()).isFalse();
    assertThat(serialised("web").get("healthy").asBoolean()).isFalse();
    assertThat(json("web").message()).isEqualTo("HTTP GET http://127.0.0.1:31000/: 503");

    agent.update(health(true, "HTTP GET http://127.0.0.1:31000/: 200"));
    agent.update(update("web", TaskState.TASK_KILLING).setReason(TaskStatusReason.REASON_KILLED_BY_SCHEDULER));
    assertThat(fw.statuses("web").get(fw.statuses("web").size() - 1).hasHealthy())
        .as("the update is passed on as it came").isFalse();
    assertThat(json("web").healthy()).as("an update without health keeps the latest").isTrue();
    TaskStatus answer = reconciled("web");
    assertThat(answer.getState()).isEqualTo(TaskState.TASK_KILLING);
    assertThat(answer.getReason()).isEqualTo(TaskStatusReason.REASON_RECONCILIATION);
    assertThat(answer.hasHealthy()).isTrue();
    assertThat(answer.getHealthy()).isTrue();
  }

  @Test
  void anUnhealthyTaskKilledByItsExecutorEndsUnhealthyAmongTheCompletedTasks() {
    agent.update(update("web", TaskState.TASK_RUNNING));
    agent.update(health(true, "command exited 0"));
    agent.update(update("web", TaskState.TASK_KILLED).setHealthy(false).setReason(TaskStatusReason.REASON_TASK_UNHEALTHY)
        .setMessage("killed after 3 consecutive failed health checks: command exited 1"));

    StateSnapshot.TaskJson done = json("web");
    assertThat(done.state()).isEqualTo("TASK_KILLED");
    assertThat(done.healthy()).isFalse();
    assertThat(done.reason()).isEqualTo("REASON_TASK_UNHEALTHY");
    List<StateSnapshot.TaskJson> found = master.query(v -> StateSnapshot.findTasks(v, fw.id(), "web"));
    assertThat(found).extracting(StateSnapshot.TaskJson::healthy).containsExactly(false);
    TaskStatus answer = reconciled("web");
    assertThat(answer.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(answer.getHealthy()).isFalse();
  }
}
