package io.corral.executor.command;

import io.corral.common.Env;
import io.corral.common.process.CommandLines;
import io.corral.common.process.Sessions;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.EnvironmentVariable;
import io.corral.protocol.TaskInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Starts the process of a command task in its own sandbox directory and session. */
final class TaskProcesses {
  private TaskProcesses() {}

  /** The task's sandbox: {@code <executor sandbox>/tasks/<task-id>}. */
  static Path sandbox(Path executorSandbox, String taskId) {
    return executorSandbox.resolve("tasks").resolve(taskId);
  }

  static Process start(Path executorSandbox, TaskInfo task) throws IOException {
    CommandInfo command = task.getCommand();
    Path dir = sandbox(executorSandbox, task.getTaskId());
    Files.createDirectories(dir);
    ProcessBuilder pb = new ProcessBuilder(Sessions.inNewSession(CommandLines.argv(command)));
    pb.directory(dir.toFile());
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout").toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("stderr").toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put(Env.SANDBOX, dir.toString());
    env.put(Env.TASK_ID, task.getTaskId());
    env.put(Env.RESOURCES, io.corral.common.resources.Resources.fromProto(task.getResourcesList()).toString());
    for (EnvironmentVariable v : command.getEnvironmentList()) {
      env.put(v.getName(), v.getValue());
    }
    return pb.start();
  }
}
