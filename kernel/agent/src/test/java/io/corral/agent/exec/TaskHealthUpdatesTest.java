package io.corral.agent.exec;

import static io.corral.agent.exec.SupervisorFixture.AGENT_ID;
import static io.corral.agent.exec.SupervisorFixture.customTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.task.StatusUuids;
import io.corral.protocol.ExecutorCall;
import io.corral.protocol.HealthCheck;
import io.corral.protocol.Task;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor's updates about a task's health pass through the agent as they came, are checkpointed with
 * their health, and the task the agent reports to a master carries the latest health acknowledged.
 */
class TaskHealthUpdatesTest {
  @TempDir
  Path work;

  private static TaskStatus health(boolean healthy) {
    return TaskStatus.newBuilder().setTaskId("t1").setState(TaskState.TASK_RUNNING).setHealthy(healthy)
        .setReason(TaskStatusReason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED).setMessage("TCP connect to 127.0.0.1:31000: "
            + (healthy ? "connected" : "connection refused")).setUuid(StatusUuids.random()).build();
  }

  private static void report(SupervisorFixture f, ExecutorStream s, ExecutorRun run, TaskStatus status) {
    f.call(s, ExecutorCall.newBuilder().setFrameworkId(run.key().frameworkId()).setExecutorId(run.key().executorId())
        .setUpdate(ExecutorCall.Update.newBuilder().setStatus(status)).build());
  }

  private static TaskStatus reported(SupervisorFixture f) {
    return f.supervisor.tasks(AGENT_ID).stream().filter(t -> t.getTaskId().equals("t1")).findFirst()
        .map(Task::getLatestStatus).orElseThrow();
  }

  @Test
  void healthPassesThroughIsCheckpointedAndTheLatestAcknowledgedIsReported() {
    SupervisorFixture f = new SupervisorFixture(work);
    TaskInfo task = customTask("t1", "e1").toBuilder().setHealthCheck(HealthCheck.newBuilder()
        .setType(HealthCheck.Type.TCP).setTcp(HealthCheck.TcpCheck.newBuilder().setPort(31000))).build();
    f.runTasks(task);
    ExecutorRun run = f.run("e1");
    ExecutorStream s = f.subscribe(run);
    assertThat(s.of(io.corral.protocol.ExecutorEvent.TypeCase.LAUNCH).get(0).getLaunch().getTasks(0).getHealthCheck())
        .as("the executor gets the check").isEqualTo(task.getHealthCheck());
    f.update(s, run, "t1", TaskState.TASK_RUNNING);
    f.acknowledge("t1");

    TaskStatus healthy = health(true);
    report(f, s, run, healthy);
    assertThat(f.last("t1")).as("passed on as it came, named with its framework, executor and agent")
        .isEqualTo(healthy.toBuilder().setFrameworkId("F1").setExecutorId("e1").setAgentId(AGENT_ID).build());
    f.acknowledge("t1");
    f.update(s, run, "t1", TaskState.TASK_KILLING);
    f.acknowledge("t1");

    assertThat(reported(f).getState()).isEqualTo(TaskState.TASK_KILLING);
    assertThat(reported(f).getHealthy()).as("an update without health keeps the latest").isTrue();

    report(f, s, run, health(false)); // not acknowledged before the agent restarts
    SupervisorFixture after = new SupervisorFixture(work);
    after.host.live.put(f.host.process(run).pid(), f.host.process(run));
    after.supervisor.recover(after.checkpoint(), () -> {});
    after.loop.runPending();

    assertThat(reported(after).getHealthy()).as("from the checkpoint").isTrue();
    assertThat(after.last("t1").getHealthy()).as("the unacknowledged update is sent again with its health").isFalse();
  }
}
