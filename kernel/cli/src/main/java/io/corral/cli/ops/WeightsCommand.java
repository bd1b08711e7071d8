package io.corral.cli.ops;

import picocli.CommandLine.Command;

/** {@code corral weights set}. */
@Command(name = "weights", mixinStandardHelpOptions = true,
    description = "Set roles' weights: a role with weight 2 gets twice the share of a sibling with weight 1.",
    subcommands = WeightsSetCommand.class)
public final class WeightsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
