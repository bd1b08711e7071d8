package io.corral.hadoop.am;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import org.junit.jupiter.api.Test;

class ContainerEndTest {
  private static TaskStatus status(TaskState state, TaskStatusReason reason) {
    return TaskStatus.newBuilder().setTaskId("container_1_0001_01_000002").setState(state).setReason(reason).build();
  }

  @Test
  void aContainerThePreemptionDeadlineKilledIsPreemptedWhetherItRanOrNot() {
    TaskStatus preempted = status(TaskState.TASK_KILLED, TaskStatusReason.REASON_PREEMPTED);
    assertThat(ContainerEnd.of(preempted, true)).isEqualTo(ContainerEnd.PREEMPTED);
    assertThat(ContainerEnd.of(preempted, false)).isEqualTo(ContainerEnd.PREEMPTED);
  }

  @Test
  void otherEndsOfARunningContainerAreTheAttemptsToJudge() {
    assertThat(ContainerEnd.of(status(TaskState.TASK_KILLED, TaskStatusReason.REASON_KILLED_BY_SCHEDULER), true))
        .as("killed by its own framework (a cleanup)").isEqualTo(ContainerEnd.COMPLETED);
    assertThat(ContainerEnd.of(status(TaskState.TASK_FAILED, TaskStatusReason.REASON_UNSPECIFIED), true))
        .isEqualTo(ContainerEnd.COMPLETED);
    assertThat(ContainerEnd.of(status(TaskState.TASK_FINISHED, TaskStatusReason.REASON_UNSPECIFIED), true))
        .isEqualTo(ContainerEnd.COMPLETED);
  }

  @Test
  void aContainerGoneWithItsAgentOrExecutorIsLost() {
    assertThat(ContainerEnd.of(status(TaskState.TASK_LOST, TaskStatusReason.REASON_UNSPECIFIED), true))
        .isEqualTo(ContainerEnd.LOST);
    assertThat(ContainerEnd.of(status(TaskState.TASK_UNREACHABLE, TaskStatusReason.REASON_UNSPECIFIED), false))
        .isEqualTo(ContainerEnd.LOST);
    assertThat(ContainerEnd.of(status(TaskState.TASK_FAILED, TaskStatusReason.REASON_EXECUTOR_TERMINATED), true))
        .isEqualTo(ContainerEnd.LOST);
    assertThat(ContainerEnd.of(status(TaskState.TASK_KILLED, TaskStatusReason.REASON_AGENT_REMOVED), true))
        .isEqualTo(ContainerEnd.LOST);
  }

  @Test
  void aContainerThatNeverRanWasDroppedOrFailedToLaunch() {
    assertThat(ContainerEnd.of(status(TaskState.TASK_DROPPED, TaskStatusReason.REASON_UNSPECIFIED), false))
        .isEqualTo(ContainerEnd.DROPPED);
    assertThat(ContainerEnd.of(status(TaskState.TASK_FAILED, TaskStatusReason.REASON_UNSPECIFIED), false))
        .isEqualTo(ContainerEnd.LAUNCH_FAILED);
  }
}
