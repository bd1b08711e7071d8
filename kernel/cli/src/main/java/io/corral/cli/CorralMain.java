package io.corral.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code corral} command. Subcommands run one daemon or tool each. */
@Command(
    name = "corral",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Corral: a cluster kernel that pools agents' resources and offers them to frameworks.",
    subcommands = {
      MasterCommand.class,
      AgentCommand.class,
      LocalCommand.class,
      ExampleCommand.class,
      BundleCommand.class,
      io.corral.cli.spark.SparkCommand.class,
      io.corral.cli.storm.StormCommand.class,
      DemoCommand.class,
      io.corral.cli.certs.CertsCommand.class,
      io.corral.cli.ops.StatusCommand.class,
      io.corral.cli.ops.AgentsCommand.class,
      io.corral.cli.ops.FrameworksCommand.class,
      io.corral.cli.ops.TasksCommand.class,
      io.corral.cli.ops.FrameworkCommand.class,
      io.corral.cli.ops.TaskCommand.class,
      io.corral.cli.ops.LogsCommand.class,
      picocli.AutoComplete.GenerateCompletion.class,
      CommandLine.HelpCommand.class
    })
public final class CorralMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this instead of main). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new CorralMain()).setCaseInsensitiveEnumValuesAllowed(true);
    io.corral.cli.spark.SparkCommand.configure(cli);
    cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    String confDir = System.getProperty("corral.conf.dir");
    try {
      cli.setDefaultValueProvider(Settings.load(cli, confDir == null || confDir.isBlank() ? null : Path.of(confDir),
          System.getenv()));
    } catch (Settings.SettingsException e) {
      System.err.println("corral: " + e.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    cli.setParameterExceptionHandler(CorralMain::badCommandLine);
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      // One clear line, never a stack trace, for what users get wrong or what is not there.
      if (e instanceof io.corral.command.CliException c) {
        System.err.println(commandLine.getCommandSpec().qualifiedName() + ": " + c.getMessage());
        return c.exitCode();
      }
      if (e instanceof io.corral.cli.ops.MasterClient.ApiError a) {
        System.err.println(commandLine.getCommandSpec().qualifiedName() + ": " + a.getMessage());
        return 1;
      }
      throw e;
    });
    return cli.execute(args);
  }

  /**
   * A command line picocli could not take: one line on stderr (what is wrong, picocli's "did you
   * mean" suggestions, where to look) and exit 2, instead of the whole usage text.
   */
  private static int badCommandLine(CommandLine.ParameterException e, String[] args) {
    CommandLine c = e.getCommandLine();
    StringBuilder line = new StringBuilder(c.getCommandSpec().qualifiedName()).append(": ").append(e.getMessage());
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      line.append("; did you mean ").append(String.join(" or ", u.getSuggestions())).append('?');
    }
    line.append(" (see '").append(c.getCommandSpec().qualifiedName()).append(" --help')");
    c.getErr().println(line.toString().replace('\n', ' '));
    return CommandLine.ExitCode.USAGE;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
