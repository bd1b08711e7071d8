package io.corral.cli;

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
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
