package io.corral.cli;

import io.corral.command.CommandLines;
import io.corral.command.CorralSubcommand;
import io.corral.daemon.AgentCommand;
import io.corral.daemon.MasterCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code corral} command. Subcommands run one daemon or tool each: the CLI's own, and those the
 * modules on the classpath contribute ({@link CorralSubcommand}: the examples', the bridges').
 */
@Command(
    name = "corral",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Corral: a cluster kernel that pools agents' resources and offers them to frameworks.")
public final class CorralMain implements Runnable {
  /** The CLI's own subcommands, in the order {@code corral --help} lists them. */
  private static final List<Class<?>> OWN = List.of(
      MasterCommand.class,
      AgentCommand.class,
      LocalCommand.class,
      BundleCommand.class,
      io.corral.cli.certs.CertsCommand.class,
      io.corral.cli.ops.StatusCommand.class,
      io.corral.cli.ops.AgentsCommand.class,
      io.corral.cli.ops.FrameworksCommand.class,
      io.corral.cli.ops.TasksCommand.class,
      io.corral.cli.ops.FrameworkCommand.class,
      io.corral.cli.ops.TaskCommand.class,
      io.corral.cli.ops.RolesCommand.class,
      io.corral.cli.ops.QuotaCommand.class,
      io.corral.cli.ops.WeightsCommand.class,
      io.corral.cli.ops.LogsCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--verbose", defaultValue = "${env:CORRAL_VERBOSE:-false}",
      description = "Before the command (corral --verbose <command> ...): print the stack trace of an error after"
          + " its one line, and the log lines of the libraries (ZooKeeper, Curator, gRPC, Netty), which otherwise"
          + " go only to a daemon's log file (default: $CORRAL_VERBOSE, else false).")
  boolean verbose;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this instead of main). */
  public static int run(String... args) {
    CommandLine cli = commandLine();
    String confDir = System.getProperty("corral.conf.dir");
    try {
      cli.setDefaultValueProvider(Settings.load(cli, confDir == null || confDir.isBlank() ? null : Path.of(confDir),
          System.getenv()));
    } catch (Settings.SettingsException e) {
      System.err.println("corral: " + e.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    CommandLines.withOneLineErrors(cli);
    cli.setExecutionStrategy(parsed -> {
      io.corral.daemon.ConsoleLogs.configure(((CorralMain) parsed.commandSpec().userObject()).verbose);
      return new CommandLine.RunLast().execute(parsed);
    });
    return cli.execute(args);
  }

  /** The whole command, unconfigured: the CLI's own subcommands and those the classpath contributes. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new CorralMain());
    Map<String, List<CommandLine>> contributed = new LinkedHashMap<>();
    ServiceLoader.load(CorralSubcommand.class).stream().map(ServiceLoader.Provider::get)
        .map(c -> Map.entry(c.listedAfter(), new CommandLine(c)))
        .sorted(Comparator.comparing(e -> e.getValue().getCommandName()))
        .forEach(e -> contributed.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    for (Class<?> own : OWN) {
      add(cli, new CommandLine(own), contributed);
    }
    while (!contributed.isEmpty()) { // listed after no command there is: at the end
      contributed.remove(contributed.keySet().iterator().next()).forEach(c -> add(cli, c, contributed));
    }
    cli.getSubcommands().get("agent")
        .addSubcommand(new io.corral.cli.ops.AgentDrainCommand())
        .addSubcommand(new io.corral.cli.ops.AgentUndrainCommand())
        .addSubcommand(new io.corral.cli.ops.AgentReserveCommand())
        .addSubcommand(new io.corral.cli.ops.AgentUnreserveCommand());
    cli.addSubcommand(new picocli.AutoComplete.GenerateCompletion()).addSubcommand(new CommandLine.HelpCommand());
    cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    return cli.setCaseInsensitiveEnumValuesAllowed(true);
  }

  /** Adds {@code command}, then the contributed commands listed after it. */
  private static void add(CommandLine cli, CommandLine command, Map<String, List<CommandLine>> contributed) {
    cli.addSubcommand(command);
    List<CommandLine> next = contributed.remove(command.getCommandName());
    if (next != null) {
      next.forEach(c -> add(cli, c, contributed));
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
