package io.corral.agent.exec;

import io.corral.agent.checkpoint.CheckpointException;
import io.corral.agent.checkpoint.CheckpointStore;
import io.corral.protocol.ExecutorCheckpoint;
import io.corral.protocol.FrameworkCheckpoint;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskCheckpoint;
import io.corral.protocol.TaskStatus;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the supervisor checkpoints, as records of the {@link CheckpointStore}. A failed write is
 * logged and the agent goes on with its state in memory: the next write of the record retries.
 * Loop-owned (the writes block the loop for an fsync each).
 */
public final class RunCheckpoints {
  private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoints.class);

  private final CheckpointStore store;
  private final Supplier<String> endpoint;

  public RunCheckpoints(CheckpointStore store, Supplier<String> endpoint) {
    this.store = store;
    this.endpoint = endpoint;
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
    guard(() -> store.writeTask(b.build()));
  }

  void forgetTask(TaskKey key) {
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
