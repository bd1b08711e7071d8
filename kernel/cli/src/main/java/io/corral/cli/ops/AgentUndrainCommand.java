package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code corral agent undrain <id>}. */
@Command(name = "undrain", mixinStandardHelpOptions = true,
    description = "Put a drained or draining agent back into service (POST /api/v1/agents/<id>/undrain).")
public final class AgentUndrainCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Parameters(index = "0", paramLabel = "<agent-id>", description = "The agent to bring back.")
  String id;

  @Override
  public Integer call() {
    JsonNode r = Actions.post(master.connect(), "api/v1/agents/" + MasterClient.enc(id) + "/undrain");
    System.out.println(r.get("message").asText());
    return 0;
  }
}
