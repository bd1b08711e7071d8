package io.corral.executor.command;

import io.corral.protocol.TaskInfo;

/** One command task of the command executor: its process and whether a kill was asked. */
final class CommandTask {
  final TaskInfo info;
  final Process process;
  volatile boolean killRequested;

  CommandTask(TaskInfo info, Process process) {
    this.info = info;
    this.process = process;
  }
}
