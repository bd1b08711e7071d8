package io.corral.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.agent.checkpoint.CheckpointStore;
import io.corral.common.loop.ManualEventLoop;
import io.corral.protocol.AgentCheckpoint;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskCheckpoint;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task records written together, and what the agent says after them held until they are on disk. */
class RunCheckpointsTest {
  private final ManualEventLoop loop = new ManualEventLoop();
  private CheckpointStore store;
  private RunCheckpoints checkpoints;
  private ExecutorRun run;

  @BeforeEach
  void setUp(@TempDir Path dir) {
    store = CheckpointStore.under(dir);
    store.writeAgent(AgentCheckpoint.newBuilder().setAgentInfo(AgentInfo.newBuilder().setId("A1")).build());
    checkpoints = new RunCheckpoints(store, () -> "127.0.0.1:5051", loop);
    run = new ExecutorRun(new ExecutorKey("F1", "E1"), "c1", ExecutorInfo.newBuilder().setExecutorId("E1").build(),
        FrameworkInfo.newBuilder().setId("F1").build(), true, dir.resolve("sandbox"));
  }

  private AgentTask task(String id) {
    return new AgentTask("F1", TaskInfo.newBuilder().setTaskId(id).setName(id).build(), run);
  }

  private List<String> checkpointedTasks() {
    return store.read().orElseThrow().tasks().stream().map(t -> t.getTaskInfo().getTaskId()).sorted().toList();
  }

  @Test
  void aSendWaitsUntilTheRecordsCheckpointedBeforeItAreOnDisk() {
    AgentTask t = task("t1");
    TaskStatus running = TaskStatus.newBuilder().setTaskId("t1").setState(TaskState.TASK_RUNNING).build();
    List<String> seenOnDiskWhenSent = new ArrayList<>();

    checkpoints.task(t, List.of(running));
    checkpoints.whenDurable(() -> seenOnDiskWhenSent.addAll(checkpointedTasks()));

    assertThat(seenOnDiskWhenSent).as("not sent yet").isEmpty();
    assertThat(checkpointedTasks()).as("not written yet").isEmpty();
    loop.runPending();
    assertThat(seenOnDiskWhenSent).containsExactly("t1");
    TaskCheckpoint written = store.read().orElseThrow().tasks().get(0);
    assertThat(written.getUnacknowledgedList()).containsExactly(running);
  }

  @Test
  void recordsKeptMeanwhileAreWrittenTogetherAndSendsGoInOrder() {
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String id = "t" + i;
      checkpoints.task(task(id), List.of());
      checkpoints.whenDurable(() -> sent.add(id));
    }
    assertThat(loop.runPending()).as("one write for all").isEqualTo(1);

    assertThat(checkpointedTasks()).hasSize(100);
    assertThat(sent).hasSize(100).startsWith("t0", "t1", "t2").endsWith("t99");
  }

  @Test
  void withNothingToWriteASendGoesAtOnce() {
    List<String> sent = new ArrayList<>();
    checkpoints.whenDurable(() -> sent.add("now"));
    assertThat(sent).containsExactly("now");
  }

  @Test
  void aTaskForgottenBeforeItsRecordIsWrittenLeavesNoRecord() {
    AgentTask kept = task("kept");
    AgentTask gone = task("gone");
    checkpoints.task(kept, List.of());
    checkpoints.task(gone, List.of());
    checkpoints.forgetTask(gone.key());

    loop.runPending();

    assertThat(checkpointedTasks()).containsExactly("kept");
  }

  @Test
  void onlyTheLatestRecordOfATaskIsWritten() {
    AgentTask t = task("t1");
    TaskStatus starting = TaskStatus.newBuilder().setTaskId("t1").setState(TaskState.TASK_STARTING).build();
    TaskStatus running = TaskStatus.newBuilder().setTaskId("t1").setState(TaskState.TASK_RUNNING).build();
    checkpoints.task(t, List.of(starting));
    checkpoints.task(t, List.of(starting, running));

    loop.runPending();

    assertThat(store.read().orElseThrow().tasks().get(0).getUnacknowledgedList()).containsExactly(starting, running);
  }
}
