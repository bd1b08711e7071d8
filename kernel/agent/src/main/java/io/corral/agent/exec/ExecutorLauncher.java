package io.corral.agent.exec;

import io.corral.agent.AgentConfig;
import io.corral.common.Env;
import io.corral.common.process.CgroupEntry;
import io.corral.common.process.CommandLines;
import io.corral.common.process.Sessions;
import io.corral.common.resources.Resources;
import io.corral.common.secret.SecretFiles;
import io.corral.common.user.PrivateSandbox;
import io.corral.common.user.RunAs;
import io.corral.common.user.UserAccount;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts an executor process: in its sandbox (created here, see {@link PrivateSandbox}), in a session
 * of its own, as its user ({@link ProcessUsers}), with {@code stdout} and {@code stderr} files, the
 * {@code CORRAL_*} environment and, for a custom executor, its own variables with their secrets read
 * ({@link SecretFiles}; the command executor reads its tasks' itself). Blocking (user look-up,
 * process creation, directories): runs on a worker thread, never on the agent's loop.
 */
public final class ExecutorLauncher implements ProcessStarter {
  /** Main class of the built-in command executor. */
  public static final String COMMAND_EXECUTOR_MAIN = "io.corral.executor.command.CommandExecutorMain";

  private final AgentConfig config;
  private final ProcessUsers users;
  private final SecretFiles secrets;
  private final ExecutorTokens tokens;

  /** @param tokens the executors' tokens (security on), or null */
  ExecutorLauncher(AgentConfig config, ProcessUsers users, ExecutorTokens tokens) {
    this.config = config;
    this.users = users;
    this.secrets = SecretFiles.in(config.secretsDir());
    this.tokens = tokens;
  }

  /**
   * Everything the process needs that only the loop knows; {@code agentHttp} is null without an HTTP
   * API; {@code cgroupProcs}: the {@code cgroup.procs} files the process enters before it execs.
   */
  public record Spec(ExecutorRun run, String agentId, String agentEndpoint, String agentHttp,
      List<String> cgroupProcs) {}

  @Override
  public Process start(Spec spec) throws IOException {
    ExecutorRun run = spec.run();
    Optional<UserAccount> user = users.executor(run);
    if (run.isCommandExecutor()) {
      PrivateSandbox.prepareShared(run.sandbox(), List.of("tasks")); // its tasks' sandboxes are their users'
    } else {
      PrivateSandbox.prepare(run.sandbox(), user);
    }
    List<String> argv = run.isCommandExecutor() ? commandExecutorArgv() : CommandLines.argv(run.info().getCommand());
    // Root enters the cgroups, then setsid, then (for another user) root gives the sandbox to the user
    // and switches to it, then the command.
    ProcessBuilder pb = new ProcessBuilder(
        CgroupEntry.wrap(spec.cgroupProcs(), Sessions.inNewSession(RunAs.wrap(user, run.sandbox(), argv))));
    pb.directory(run.sandbox().toFile());
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(run.sandbox().resolve("stdout").toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(run.sandbox().resolve("stderr").toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put(Env.AGENT_ENDPOINT, spec.agentEndpoint());
    env.put(Env.AGENT_ID, spec.agentId());
    env.put(Env.AGENT_HOSTNAME, config.advertiseHost());
    env.put(Env.FRAMEWORK_ID, run.key().frameworkId());
    env.put(Env.EXECUTOR_ID, run.key().executorId());
    env.put(Env.CONTAINER_ID, run.containerId());
    env.remove(Env.EXECUTOR_TOKEN); // never another's (an agent started from an executor, as in tests)
    env.remove(Env.TLS_CA);
    if (config.security() != null) {
      Sandboxes.recordOwner(config.workDir(), run.key().frameworkId(), run.framework().getPrincipal());
      env.put(Env.EXECUTOR_TOKEN, tokens.token(run.containerId()));
      env.put(Env.TLS_CA, config.security().tls().ca().toAbsolutePath().toString());
    }
    env.put(Env.SANDBOX, run.sandbox().toString());
    env.put(Env.MASTER, config.master());
    if (spec.agentHttp() != null) {
      env.put(Env.AGENT_HTTP, spec.agentHttp());
      Path sandboxes = Sandboxes.root(config.workDir());
      String rel = sandboxes.relativize(run.sandbox().toAbsolutePath().normalize()).toString() + "/";
      env.put(Env.SANDBOX_URL, spec.agentHttp() + "api/v1/files/view?path="
          + java.net.URLEncoder.encode(rel, java.nio.charset.StandardCharsets.UTF_8));
    }
    env.put(Env.RECOVERY_TIMEOUT, seconds(config.recoveryTimeout()));
    env.put(Env.SHUTDOWN_GRACE, seconds(config.executorShutdownGrace()));
    user.ifPresent(u -> RunAs.environment(u, env));
    if (run.isCommandExecutor()) {
      secrets.dir().ifPresent(d -> env.put(Env.SECRETS_DIR, d.toString()));
    } else {
      env.put(Env.RESOURCES, Resources.fromProto(run.info().getResourcesList()).toString());
      secrets.putAll(run.info().getCommand().getEnvironmentList(), env);
    }
    return pb.start();
  }

  private List<String> commandExecutorArgv() {
    List<String> argv = new ArrayList<>();
    argv.add(config.javaCommand());
    argv.addAll(config.executorJvmOptions());
    String logConfig = System.getProperty("logback.configurationFile");
    if (logConfig != null) {
      argv.add("-Dlogback.configurationFile=" + logConfig);
    }
    argv.add("-cp");
    argv.add(config.executorClasspath());
    argv.add(COMMAND_EXECUTOR_MAIN);
    return argv;
  }

  private static String seconds(java.time.Duration d) {
    return Double.toString(d.toMillis() / 1000.0);
  }
}
