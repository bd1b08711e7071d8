package io.corral.cli.ops;

import picocli.CommandLine.Command;

/** {@code corral quota set|remove}. */
@Command(name = "quota", mixinStandardHelpOptions = true,
    description = "Set or remove a role's quota: a guarantee (what it gets whenever it has demand) and a limit "
        + "(what it never exceeds, offered or used). See 'corral roles' for what is set.",
    subcommands = {QuotaSetCommand.class, QuotaRemoveCommand.class})
public final class QuotaCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
