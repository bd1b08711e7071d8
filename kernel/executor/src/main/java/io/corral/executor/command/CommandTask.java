package io.corral.executor.command;

import io.corral.executor.HealthChecks;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskStatusReason;
import java.util.concurrent.atomic.AtomicReference;

/** One command task of the command executor: its process, its health checks and why it is killed, if it is. */
final class CommandTask {
  /** Why a task is killed: its scheduler (or a shutdown) asked, or it failed its health checks. */
  record Kill(TaskStatusReason reason, String message) {}

  final TaskInfo info;
  final Process process;
  /** Its health checks (none until started); stopped when it is killed or ends. */
  volatile HealthChecks.Handle health = () -> {};
  private final AtomicReference<Kill> kill = new AtomicReference<>();

  CommandTask(TaskInfo info, Process process) {
    this.info = info;
    this.process = process;
  }

  /** Records why it is killed; false when it is being killed already (the first reason stands). */
  boolean killFor(Kill why) {
    return kill.compareAndSet(null, why);
  }

  /** Why it is killed, or null when no kill was asked. */
  Kill kill() {
    return kill.get();
  }
}
