package io.corral.agent.exec;

import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;

/** A limit a task or executor broke, and what its terminal update says about it. Immutable. */
public record Limitation(TaskStatusReason reason, String message) {
  static Limitation memory(String what, long limitBytes, long peakBytes) {
    return new Limitation(TaskStatusReason.REASON_MEMORY_LIMIT, "memory limit: " + what + " needed more than its "
        + mib(limitBytes) + (peakBytes > 0 ? " (peak " + mib(peakBytes) + ")" : "") + " and was killed");
  }

  static Limitation disk(String what, long limitBytes, long usedBytes) {
    return new Limitation(TaskStatusReason.REASON_DISK_LIMIT, "disk limit: " + what + " wrote " + mib(usedBytes)
        + " into its sandbox, more than its " + mib(limitBytes) + ", and was killed");
  }

  /** A task's terminal update once it broke this limit: TASK_FAILED with the limit's reason, whatever was reported. */
  TaskStatus failed(TaskStatus reported) {
    String was = reported.getMessage().isBlank() ? "" : "; " + reported.getMessage();
    return reported.toBuilder().setState(TaskState.TASK_FAILED).setReason(reason).setMessage(message + was).build();
  }

  static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
