package io.corral.cli.ops;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code corral agent unreserve <id> --resources SPEC}. */
@Command(name = "unreserve", mixinStandardHelpOptions = true,
    description = "Give dynamically reserved resources of an agent that no task uses back to the shared pool "
        + "(POST /api/v1/agents/<id>/unreserve).")
public final class AgentUnreserveCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Parameters(index = "0", paramLabel = "<agent-id>", description = "The agent.")
  String id;

  @Option(names = "--resources", required = true, paramLabel = "SPEC", description = Reservation.SPEC_HELP)
  String resources;

  @Override
  public Integer call() {
    return Reservation.call(master, id, resources, "unreserve");
  }
}
