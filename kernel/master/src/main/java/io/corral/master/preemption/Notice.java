package io.corral.master.preemption;

import java.time.Instant;
import java.util.Objects;

/**
 * One task under a preemption notice: it is killed at {@code deadline} if it still runs and {@code
 * role} still needs what it holds. What a new leader needs to honour a notice its predecessor sent.
 *
 * @param role the role below its guarantee that the task's resources are taken for
 */
public record Notice(String frameworkId, String taskId, String agentId, String role, Instant deadline) {
  public Notice {
    Objects.requireNonNull(frameworkId, "frameworkId");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(deadline, "deadline");
  }
}
