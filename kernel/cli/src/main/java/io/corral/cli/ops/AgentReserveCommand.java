package io.corral.cli.ops;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code corral agent reserve <id> --resources SPEC}. */
@Command(name = "reserve", mixinStandardHelpOptions = true,
    description = "Reserve free unreserved resources of an agent for roles: they are offered only to frameworks of "
        + "each role and its sub-roles, count towards its guarantee, and survive restarts of the agent and of the "
        + "master (POST /api/v1/agents/<id>/reserve).")
public final class AgentReserveCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Parameters(index = "0", paramLabel = "<agent-id>", description = "The agent.")
  String id;

  @Option(names = "--resources", required = true, paramLabel = "SPEC", description = Reservation.SPEC_HELP)
  String resources;

  @Override
  public Integer call() {
    return Reservation.call(master, id, resources, "reserve");
  }
}
