package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import org.apache.spark.scheduler.ExecutorLossMessage;
import org.junit.jupiter.api.Test;

class ExecutorExitTest {

  @Test
  void anExecutorThatLeavesOnceDecommissionedFinishesItsTask() {
    ExecutorExit exit = new ExecutorExit(0, ExecutorLossMessage.decommissionFinished());
    assertThat(exit.clean()).isTrue();
    TaskStatus s = exit.finished("executor-3");
    assertThat(s.getTaskId()).isEqualTo("executor-3");
    assertThat(s.getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(s.getMessage()).isEqualTo("Finished decommissioning");
  }

  @Test
  void anExecutorTheDriverStoppedFinishesItsTask() {
    assertThat(ExecutorExit.STOPPED.clean()).isTrue();
    assertThat(ExecutorExit.STOPPED.finished("executor-1").getState()).isEqualTo(TaskState.TASK_FINISHED);
  }

  @Test
  void anExecutorThatLostItsDriverFailsWithSparksStatusAndReason() {
    ExecutorExit exit = new ExecutorExit(1, "Driver 10.0.0.1:7077 disassociated! Shutting down.");
    assertThat(exit.clean()).isFalse();
    assertThat(exit.failureLine())
        .isEqualTo("Spark's executor exited with status 1: Driver 10.0.0.1:7077 disassociated! Shutting down.");
    assertThatThrownBy(() -> exit.finished("executor-1")).isInstanceOf(IllegalStateException.class);
  }
}
