package io.corral.bridges.testkit;

import io.corral.command.CommandLines;
import io.corral.command.CorralSubcommand;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code corral} as a bridge's tests run it in a JVM of their own: the subcommands the test
 * classpath contributes (the bridge's own, such as {@code spark submit} or {@code storm nimbus})
 * under a root named {@code corral}, with the CLI's rules for errors (one line, exit 2 for a bad
 * command line). The CLI itself is never a bridge's dependency; the distribution's {@code corral}
 * finds the same commands on {@code lib/}.
 */
@Command(name = "corral")
public final class CorralCommands {
  private CorralCommands() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line {@link #main} runs. */
  public static CommandLine commandLine() {
    CommandLine corral = new CommandLine(new CorralCommands());
    // Each its own CommandLine, as the CLI builds them: that applies the command's model transformers.
    ServiceLoader.load(CorralSubcommand.class).forEach(c -> corral.addSubcommand(new CommandLine(c)));
    return CommandLines.withOneLineErrors(corral.setCaseInsensitiveEnumValuesAllowed(true));
  }
}
