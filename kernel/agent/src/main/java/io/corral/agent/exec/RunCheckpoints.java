package io.corral.agent.exec;

import io.corral.agent.checkpoint.CheckpointException;
import io.corral.agent.checkpoint.CheckpointStore;
import io.corral.protocol.ExecutorCheckpoint;
import io.corral.protocol.FrameworkCheckpoint;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskCheckpoint;
import io.corral.protocol.TaskStatus;
import io.corral.common.loop.EventLoop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the supervisor checkpoints, as records of the {@link CheckpointStore}. A failed write is
 * logged and the agent goes on with its state in memory: the next write of the record retries.
 * Loop-owned (the writes block the loop for an fsync each).
 *
 * <p>Tasks' records (rewritten on every update and acknowledgement: several per task) are written
 * together: a record is kept until the loop has handled what was queued before it, then all kept
 * records are written with one round of syncs ({@link CheckpointStore#writeTasks}). What the agent
 * tells its master or an executor after checkpointing goes through {@link #whenDurable}, so nothing
 * leaves before the records it follows are on disk (an update is forwarded, or acknowledged to its
 * executor, only once checkpointed). Other records are written at once.
 */
public final class RunCheckpoints {
  private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoints.class);

  private final CheckpointStore store;
  private final Supplier<String> endpoint;
  private final EventLoop loop;
  private final Map<TaskKey, TaskCheckpoint> tasksToWrite = new LinkedHashMap<>();
  private final List<Runnable> afterWrite = new ArrayList<>();
  private boolean writeQueued;

  public RunCheckpoints(CheckpointStore store, Supplier<String> endpoint, EventLoop loop) {
    this.store = store;
    this.endpoint = endpoint;
    this.loop = loop;
  }

  /**
   * Runs {@code send} once the task records checkpointed so far are written: at once when none waits,
   * else right after the write, in the order asked.
   */
  public void whenDurable(Runnable send) {
    if (tasksToWrite.isEmpty() && afterWrite.isEmpty()) {
      send.run();
    } else {
      afterWrite.add(send);
    }
  }

  /** Writes the task records kept so far, then runs what waited for them. */
  private void flush() {
    writeQueued = false;
    if (!tasksToWrite.isEmpty()) {
      List<TaskCheckpoint> records = new ArrayList<>(tasksToWrite.values());
      tasksToWrite.clear();
      guard(() -> store.writeTasks(records));
    }
    List<Runnable> sends = new ArrayList<>(afterWrite);
    afterWrite.clear();
    sends.forEach(Runnable::run);
  }

  void framework(FrameworkInfo f) {
    guard(() -> store.writeFramework(FrameworkCheckpoint.newBuilder().setFramework(f).build()));
  }

  void forgetFramework(String frameworkId) {
    guard(() -> store.deleteFramework(frameworkId));
  }

  void executor(ExecutorRun run) {
    ExecutorCheckpoint.Builder b = ExecutorCheckpoint.newBuilder().setFrameworkId(run.key().frameworkId())
        .setExecutorInfo(run.info()).setCommandExecutor(run.isCommandExecutor()).setContainerId(run.containerId())
        .setSandbox(run.sandbox().toString()).setAgentEndpoint(endpoint.get());
    if (run.handle() != null) {
      b.setPid(run.handle().pid()).setPidStartMillis(ExecutorProcesses.startMillis(run.handle()));
    }
    guard(() -> store.writeExecutor(b.build()));
  }

  void forgetExecutor(ExecutorRun run) {
    guard(() -> store.deleteExecutor(run.key().frameworkId(), run.key().executorId()));
  }

  void task(AgentTask t, List<TaskStatus> unacknowledged) {
    TaskCheckpoint.Builder b = TaskCheckpoint.newBuilder().setFrameworkId(t.frameworkId())
        .setExecutorId(t.run().key().executorId()).setContainerId(t.run().containerId()).setTaskInfo(t.info())
        .addAllUnacknowledged(unacknowledged);
    if (t.latest() != null) {
      b.setLatest(t.latest());
    }
    if (t.acknowledged() != null) {
      b.setAcknowledged(t.acknowledged());
    }
    tasksToWrite.put(t.key(), b.build());
    if (!writeQueued) {
      writeQueued = true;
      loop.execute(this::flush); // after what is queued already: the records it adds are written with this one
    }
  }

  void forgetTask(TaskKey key) {
    tasksToWrite.remove(key);
    guard(() -> store.deleteTask(key.frameworkId(), key.taskId()));
  }

  private static void guard(Runnable write) {
    try {
      write.run();
    } catch (CheckpointException e) {
      LOG.error("{}; the agent's state is not durable until a later write succeeds", e.getMessage());
    }
  }
}
