package io.corral.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.protocol.AgentCheckpoint;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorCheckpoint;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkCheckpoint;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskCheckpoint;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir Path dir;

  private static final AgentCheckpoint AGENT = AgentCheckpoint.newBuilder()
      .setAgentInfo(AgentInfo.newBuilder().setId("a-1").setHostname("h").setPort(5051)).build();

  private static TaskCheckpoint task(String id, TaskState... pending) {
    TaskCheckpoint.Builder b = TaskCheckpoint.newBuilder().setFrameworkId("fw/1").setExecutorId("e")
        .setContainerId("c1").setTaskInfo(TaskInfo.newBuilder().setTaskId(id));
    for (TaskState s : pending) {
      b.addUnacknowledged(TaskStatus.newBuilder().setTaskId(id).setState(s));
      b.setLatest(TaskStatus.newBuilder().setTaskId(id).setState(s));
    }
    return b.build();
  }

  @Test
  void roundTripsEveryKindOfRecordAndForgetsDeletedOnes() {
    CheckpointStore store = CheckpointStore.under(dir);
    assertThat(store.exists()).isFalse();
    assertThat(store.read()).isEmpty();
    store.writeAgent(AGENT);
    FrameworkCheckpoint fw = FrameworkCheckpoint.newBuilder()
        .setFramework(FrameworkInfo.newBuilder().setId("fw/1").setName("n")).build();
    store.writeFramework(fw);
    ExecutorCheckpoint ex = ExecutorCheckpoint.newBuilder().setFrameworkId("fw/1")
        .setExecutorInfo(ExecutorInfo.newBuilder().setExecutorId("corral:command")).setPid(42)
        .setContainerId("c1").build();
    store.writeExecutor(ex);
    store.writeTask(task("t1", TaskState.TASK_STARTING));
    store.writeTask(task("t1", TaskState.TASK_STARTING, TaskState.TASK_RUNNING)); // replaces
    store.writeTask(task("../t2", TaskState.TASK_FINISHED));

    CheckpointedState s = store.read().orElseThrow();
    assertThat(s.agent()).isEqualTo(AGENT);
    assertThat(s.frameworks()).containsExactly(fw);
    assertThat(s.executors()).containsExactly(ex);
    assertThat(s.tasks()).containsExactlyInAnyOrder(task("t1", TaskState.TASK_STARTING, TaskState.TASK_RUNNING),
        task("../t2", TaskState.TASK_FINISHED));
    assertThat(s.tasks().stream().filter(t -> t.getTaskInfo().getTaskId().equals("t1")).findFirst().orElseThrow()
        .getUnacknowledgedList()).extracting(TaskStatus::getState)
        .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
    // Ids with slashes and dots stay inside meta/, in one file each.
    assertThat(Files.exists(dir.resolve("meta/tasks/fw%2F1/..%2Ft2.pb"))).isTrue();

    store.deleteTask("fw/1", "../t2");
    store.deleteExecutor("fw/1", "corral:command");
    store.deleteFramework("fw/1");
    s = store.read().orElseThrow();
    assertThat(s.tasks()).hasSize(1);
    assertThat(s.executors()).isEmpty();
    assertThat(s.frameworks()).isEmpty();

    store.wipe();
    assertThat(store.read()).isEmpty();
    assertThat(Files.exists(dir.resolve("meta"))).isFalse();
  }

  @Test
  void aTruncatedOrCorruptFileIsAClearError() throws Exception {
    CheckpointStore store = CheckpointStore.under(dir);
    store.writeAgent(AGENT);
    store.writeTask(task("t1", TaskState.TASK_RUNNING));
    Path file = dir.resolve("meta/tasks/fw%2F1/t1.pb");
    byte[] bytes = Files.readAllBytes(file);

    Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
    assertThatThrownBy(store::read).isInstanceOf(CheckpointException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("truncated")
        .hasMessageContaining("--recover=cleanup");

    bytes[bytes.length - 1] ^= 0x55;
    Files.write(file, bytes);
    assertThatThrownBy(store::read).isInstanceOf(CheckpointException.class).hasMessageContaining("checksum");

    Files.write(file, new byte[0]);
    assertThatThrownBy(store::read).isInstanceOf(CheckpointException.class).hasMessageContaining("corrupt");
  }

  @Test
  void aLeftoverTempFileIsIgnored() throws Exception {
    CheckpointStore store = CheckpointStore.under(dir);
    store.writeAgent(AGENT);
    store.writeTask(task("t1", TaskState.TASK_RUNNING));
    // A crash between writing the temp file and renaming it leaves this behind.
    Files.write(dir.resolve("meta/tasks/fw%2F1/t1.pb.tmp"), new byte[] {1, 2, 3});
    Files.write(dir.resolve("meta/tasks/fw%2F1/t9.pb.tmp"), new byte[] {1, 2, 3});
    CheckpointedState s = store.read().orElseThrow();
    assertThat(s.tasks()).containsExactly(task("t1", TaskState.TASK_RUNNING));
    store.writeTask(task("t1", TaskState.TASK_RUNNING, TaskState.TASK_FINISHED)); // overwrites the temp file
    assertThat(store.read().orElseThrow().tasks().get(0).getUnacknowledgedCount()).isEqualTo(2);
  }
}
