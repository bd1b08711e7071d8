package io.corral.agent.exec;

import io.corral.agent.AgentConfig;
import io.corral.common.user.RunAs;
import io.corral.common.user.UserAccount;
import io.corral.fetcher.FetchUser;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskInfo;
import java.io.IOException;
import java.util.Optional;

/**
 * Who the processes of executors and command tasks run as. An agent running as root with
 * {@code --switch-user} (the default) runs each as its user: {@code CommandInfo.user} if set, else
 * {@code FrameworkInfo.user}; an empty user is the agent's own. The command executor, Corral's own
 * code, stays the agent's user and starts each task as the user the agent names in the task it
 * delivers ({@code CommandInfo.user}: empty for none). Their URIs are fetched with the same user's
 * permissions.
 */
final class ProcessUsers {
  private final boolean switching;

  ProcessUsers(AgentConfig config) {
    this(config.switchUser() && RunAs.isRoot());
  }

  /** {@code switching}: whether processes run as their users (the agent is root and switches). */
  ProcessUsers(boolean switching) {
    this.switching = switching;
  }

  /** The user an executor's or a command task's command is for (before any switching). */
  static String named(FrameworkInfo framework, CommandInfo command) {
    return command.getUser().isEmpty() ? framework.getUser() : command.getUser();
  }

  /**
   * The account a custom executor's process runs as (empty: the agent's). Looks the user up: call
   * it off the agent's loop.
   *
   * @throws io.corral.common.user.UnknownUserException if the host has no such user
   */
  Optional<UserAccount> executor(ExecutorRun run) throws IOException {
    if (run.isCommandExecutor()) {
      return Optional.empty();
    }
    return RunAs.resolve(named(run.framework(), run.info().getCommand()), switching);
  }

  /**
   * Whom the fetch of an executor's or a command task's URIs is for: its user, whose permissions
   * local files are read with when this agent switches users.
   */
  FetchUser fetchUser(FrameworkInfo framework, CommandInfo command) {
    return new FetchUser(named(framework, command), switching);
  }

  /** The command task as its command executor gets it: naming the user to run it as, or none. */
  TaskInfo deliverable(FrameworkInfo framework, TaskInfo task) {
    if (!task.hasCommand()) {
      return task;
    }
    String user = switching ? named(framework, task.getCommand()) : "";
    if (user.equals(task.getCommand().getUser())) {
      return task;
    }
    return task.toBuilder().setCommand(task.getCommand().toBuilder().setUser(user)).build();
  }
}
