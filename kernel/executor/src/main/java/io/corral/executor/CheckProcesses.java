package io.corral.executor;

import io.corral.common.process.CommandLines;
import io.corral.common.process.Sessions;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.EnvironmentVariable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * How the process of a task's {@code COMMAND} health check is made: where, as whom and with what
 * environment it runs, which should be the task's own. The command executor runs checks in the
 * task's sandbox, as its user, in its cgroups, with its environment; a custom executor gives {@link
 * #in} (or its own) to {@link HealthChecks#start}.
 */
@FunctionalInterface
public interface CheckProcesses {

  /**
   * The process for {@code check}: its command line (in a session of its own, so that a check that
   * times out is killed with whatever it started), directory and environment set; the caller sets its
   * input and output and starts it.
   *
   * @throws IOException if it cannot be made (an unknown user, a secret that cannot be read)
   */
  ProcessBuilder prepare(CommandInfo check) throws IOException;

  /**
   * Checks run in {@code directory} (the task's sandbox) with this process's environment, then {@code
   * environment} (the task's variables) on top, then the check command's own variables; as this
   * process's user. A check whose command names a {@code secret_file} fails: this way has no secrets.
   */
  static CheckProcesses in(Path directory, Map<String, String> environment) {
    Map<String, String> taskEnvironment = Map.copyOf(environment);
    return check -> {
      ProcessBuilder pb = new ProcessBuilder(Sessions.inNewSession(CommandLines.argv(check)));
      pb.directory(directory.toFile());
      pb.environment().putAll(taskEnvironment);
      for (EnvironmentVariable v : check.getEnvironmentList()) {
        if (!v.getSecretFile().isEmpty()) {
          throw new IOException("environment variable " + v.getName() + " names a secret_file, which a check run "
              + "by this executor cannot read");
        }
        pb.environment().put(v.getName(), v.getValue());
      }
      return pb;
    };
  }
}
