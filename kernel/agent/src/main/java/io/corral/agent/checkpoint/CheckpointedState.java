package io.corral.agent.checkpoint;

import io.corral.protocol.AgentCheckpoint;
import io.corral.protocol.ExecutorCheckpoint;
import io.corral.protocol.FrameworkCheckpoint;
import io.corral.protocol.TaskCheckpoint;
import java.util.List;

/** Everything read back from an agent's {@code meta/} directory. */
public record CheckpointedState(
    AgentCheckpoint agent,
    List<FrameworkCheckpoint> frameworks,
    List<ExecutorCheckpoint> executors,
    List<TaskCheckpoint> tasks) {

  public CheckpointedState {
    frameworks = List.copyOf(frameworks);
    executors = List.copyOf(executors);
    tasks = List.copyOf(tasks);
  }
}
