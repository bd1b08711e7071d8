package io.corral.executor.command;

import io.corral.common.Env;
import io.corral.common.process.CgroupEntry;
import io.corral.common.process.CommandLines;
import io.corral.common.process.Sessions;
import io.corral.common.secret.SecretFiles;
import io.corral.common.user.PrivateSandbox;
import io.corral.common.user.RunAs;
import io.corral.common.user.UserAccount;
import io.corral.executor.CheckProcesses;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.EnvironmentVariable;
import io.corral.protocol.TaskInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the process of a command task in its own sandbox directory and session, as the user the
 * agent named in the task ({@code CommandInfo.user}; empty: the executor's own), with its
 * {@code secret_file} variables read from the agent's secrets directory.
 */
final class TaskProcesses {
  private TaskProcesses() {}

  /** The task's sandbox: {@code <executor sandbox>/tasks/<task-id>}. */
  static Path sandbox(Path executorSandbox, String taskId) {
    return io.corral.common.task.PathNames.taskSandbox(executorSandbox, taskId);
  }

  /**
   * @throws io.corral.common.user.UnknownUserException if the host has no account of the task's user
   * @throws io.corral.common.secret.SecretException if a secret cannot be read
   */
  static Process start(Path executorSandbox, TaskInfo task, SecretFiles secrets) throws IOException {
    CommandInfo command = task.getCommand();
    // The agent names a user only when it switches users (root, --switch-user).
    Optional<UserAccount> user = RunAs.resolve(command.getUser(), true);
    Path dir = sandbox(executorSandbox, task.getTaskId());
    PrivateSandbox.prepare(dir, user); // with the files the agent fetched into it
    List<String> argv = CommandLines.argv(command);
    ProcessBuilder pb = new ProcessBuilder(
        CgroupEntry.wrap(cgroupProcs(command), Sessions.inNewSession(RunAs.wrap(user, dir, argv))));
    pb.directory(dir.toFile());
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout").toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("stderr").toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = pb.environment();
    environment(env, dir, task, user, secrets);
    requireExecutable(argv.get(0), dir, env);
    return pb.start();
  }

  /**
   * How the task's {@code COMMAND} health check runs: next to the task, in its sandbox, as its user
   * (the sandbox is the user's already), in its cgroups, with its environment and the check's own
   * variables on top.
   */
  static CheckProcesses checks(Path executorSandbox, TaskInfo task, SecretFiles secrets) {
    CommandInfo command = task.getCommand();
    Path dir = sandbox(executorSandbox, task.getTaskId());
    return check -> {
      Optional<UserAccount> user = RunAs.resolve(command.getUser(), true);
      List<String> argv = CommandLines.argv(check);
      ProcessBuilder pb = new ProcessBuilder(CgroupEntry.wrap(cgroupProcs(command),
          Sessions.inNewSession(user.isPresent() ? RunAs.as(user.get(), argv) : argv)));
      pb.directory(dir.toFile());
      environment(pb.environment(), dir, task, user, secrets);
      secrets.putAll(check.getEnvironmentList(), pb.environment());
      return pb;
    };
  }

  /** The task's environment: the executor's without its secrets, the task's ids and variables. */
  private static void environment(Map<String, String> env, Path dir, TaskInfo task, Optional<UserAccount> user,
      SecretFiles secrets) throws IOException {
    env.remove(Env.EXECUTOR_TOKEN); // the executor's proof of identity is not the task's
    env.remove(Env.SECRETS_DIR);
    env.put(Env.SANDBOX, dir.toString());
    env.put(Env.TASK_ID, task.getTaskId());
    env.put(Env.RESOURCES, io.corral.common.resources.Resources.fromProto(task.getResourcesList()).toString());
    user.ifPresent(u -> RunAs.environment(u, env));
    secrets.putAll(task.getCommand().getEnvironmentList(), env);
  }

  /** The task's own cgroups, when the agent isolates it with cgroups ({@link Env#CGROUP_PROCS}). */
  static List<String> cgroupProcs(CommandInfo command) {
    for (EnvironmentVariable v : command.getEnvironmentList()) {
      if (v.getName().equals(Env.CGROUP_PROCS)) {
        return io.corral.common.process.CgroupEntry.parse(v.getValue());
      }
    }
    return List.of();
  }

  /**
   * Fails like {@link ProcessBuilder#start} would for a program that cannot run. Behind
   * {@code setsid} such a program would otherwise start "successfully" and exit 127, which
   * reads as a failing command rather than a failed launch. Looks the program up as
   * {@code setsid} (execvp) does: relative to the task's directory when it has a '/', else
   * in the task's PATH.
   */
  static void requireExecutable(String program, Path dir, Map<String, String> env) throws IOException {
    if (program.isEmpty()) {
      throw new IOException("no program given");
    }
    List<Path> candidates = new ArrayList<>();
    if (program.indexOf('/') >= 0) {
      candidates.add(dir.resolve(program));
    } else {
      String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
      for (String entry : path.split(":", -1)) {
        candidates.add(dir.resolve(entry.isEmpty() ? "." : entry).resolve(program));
      }
    }
    for (Path p : candidates) {
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return;
      }
    }
    throw new IOException("cannot run program '" + program + "': "
        + (program.indexOf('/') >= 0 ? "no such executable file" : "not found in PATH"));
  }
}
