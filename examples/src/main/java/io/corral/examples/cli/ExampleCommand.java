package io.corral.examples.cli;

import io.corral.command.CorralSubcommand;
import io.corral.command.DurationConverter;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code corral example ...}: the example frameworks, a subcommand this module adds to {@code corral}. */
@Command(name = "example", mixinStandardHelpOptions = true, description = "Run an example framework.",
    subcommands = {ExampleCommand.Shell.class})
public final class ExampleCommand implements Runnable, CorralSubcommand {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public String listedAfter() {
    return "local";
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code corral example shell}: run a command N times across the cluster. */
  @Command(name = "shell", mixinStandardHelpOptions = true,
      description = {"Run a command as N tasks across the cluster, retrying failures. "
          + "Exits 0 and prints 'finished: N/N' when all finished; else prints 'failed: ...' and exits 1.",
          "One argument after -- runs with sh -c, so it may hold pipes, ';' and $VARIABLES "
              + "(-- 'echo hi from $CORRAL_TASK_ID'); two or more are the program and its arguments, run without"
              + " a shell, each as given (-- python3 job.py 'a b'), as with docker run and kubectl exec --."})
  static final class Shell implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin io.corral.command.ClientSecurityOptions security;

    @Option(names = "--master", required = true, description = "The master: host:port or zk://host:port/path (default: master= in corral.properties, or $CORRAL_MASTER).")
    String master;

    @Option(names = "--tasks", required = true, description = "How many tasks to run.")
    int tasks;

    @Option(names = "--cpus", description = "cpus per task (default ${DEFAULT-VALUE}).")
    double cpus = 0.1;

    @Option(names = "--mem", description = "MiB of memory per task (default ${DEFAULT-VALUE}).")
    double mem = 32;

    @Option(names = "--retries", description = "Retries of each failed task (default ${DEFAULT-VALUE}).")
    int retries = 0;

    @Option(names = "--name", description = "Framework name (default ${DEFAULT-VALUE}).")
    String name = "corral-example-shell";

    @Option(names = "--role", description = "Resource role (default ${DEFAULT-VALUE}).")
    String role = "*";

    @Option(names = "--timeout", converter = DurationConverter.class, defaultValue = "1h",
        description = "Give up after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--uri", paramLabel = "URI",
        description = "A file to fetch into each task's sandbox first (hdfs://, http(s)://, file://, /path); "
            + "archives are unpacked there. Repeatable.")
    List<String> uris = List.of();

    @Option(names = "--framework-id-file", paramLabel = "PATH",
        description = "Keep the framework id in this file: a run that finds an id there fails over to that "
            + "framework (its tasks, their pending updates) instead of starting anew. Removed when the run ends.")
    Path frameworkIdFile;

    @Option(names = "--failover-timeout", converter = DurationConverter.class,
        description = "How long the master keeps this framework's tasks after its scheduler is gone "
            + "(default: 0s, the Mesos default, so tasks die with the scheduler; 7d with --framework-id-file).")
    Duration failoverTimeout;

    @Option(names = {"-v", "--verbose"},
        description = "Print 'framework: <id> registered|re-registered' and one 'update: <task> <STATE>' line "
            + "per status update.")
    boolean verbose;

    @Option(names = "--user", paramLabel = "USER",
        description = "The framework's user: agents running as root run the tasks as this user (default: the user"
            + " running this command).")
    String user = "";

    @Option(names = "--secret-env", paramLabel = "NAME=FILE",
        description = "An environment variable of each task whose value is the file FILE of the agent's secrets"
            + " directory (--secrets-dir), read by the agent as the task starts. Repeatable.")
    List<String> secretEnv = List.of();

    @Parameters(arity = "1..*", paramLabel = "COMMAND",
        description = "After --: one argument, a shell command (sh -c); or a program and its arguments (no shell).")
    List<String> command;

    /** One word runs as {@code sh -c <word>}; two or more are an argument vector, run without a shell. */
    static io.corral.protocol.CommandInfo command(List<String> words, List<String> uris) {
      return words.size() == 1 ? TaskInfos.shell(words.get(0), uris) : TaskInfos.argv(words, uris);
    }

    @Override
    public Integer call() throws Exception {
      if (tasks < 0 || retries < 0 || !(cpus >= 0) || !(mem >= 0)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--tasks, --retries, --cpus and --mem must not be negative");
      }
      Duration failover = failoverTimeout != null ? failoverTimeout
          : frameworkIdFile != null ? Duration.ofDays(7) : Duration.ZERO;
      if (command.get(0).isEmpty()) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "the command after -- is empty");
      }
      io.corral.protocol.CommandInfo.Builder shell = command(command, uris).toBuilder();
      for (String s : secretEnv) {
        int eq = s.indexOf('=');
        if (eq <= 0 || eq == s.length() - 1) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(),
              "--secret-env takes NAME=FILE, not '" + s + "'");
        }
        shell.addEnvironment(io.corral.protocol.EnvironmentVariable.newBuilder().setName(s.substring(0, eq))
            .setSecretFile(s.substring(eq + 1)));
      }
      return ShellRun.run(master, name, role, tasks, cpus, mem, retries, shell.build(), timeout,
          new ShellRun.Failover(frameworkIdFile, failover, verbose), user, security.credentials(), System.out);
    }
  }
}
