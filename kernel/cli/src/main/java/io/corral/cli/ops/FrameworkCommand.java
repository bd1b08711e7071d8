package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code corral framework}: act on one framework. */
@Command(name = "framework", mixinStandardHelpOptions = true, description = "Act on one framework.",
    subcommands = {FrameworkCommand.Teardown.class})
public final class FrameworkCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name an action: teardown");
  }

  /** {@code corral framework teardown <id>}. */
  @Command(name = "teardown", mixinStandardHelpOptions = true,
      description = "Remove a framework for good: its scheduler is told, every task of it is killed "
          + "(POST /api/v1/frameworks/<id>/teardown).")
  static final class Teardown implements Callable<Integer> {
    @Mixin MasterOption master;

    @Parameters(index = "0", paramLabel = "<framework-id>", description = "The framework to tear down.")
    String id;

    @Override
    public Integer call() {
      JsonNode r = Actions.post(master.connect(), "api/v1/frameworks/" + MasterClient.enc(id) + "/teardown");
      System.out.println(r.get("message").asText());
      return 0;
    }
  }
}
