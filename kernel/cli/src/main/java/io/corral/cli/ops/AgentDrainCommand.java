package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code corral agent drain <id>}. */
@Command(name = "drain", mixinStandardHelpOptions = true,
    description = "Take an agent out of service for maintenance: no new offers; its tasks get a grace period, "
        + "then are killed; once none is left the agent is DRAINED (POST /api/v1/agents/<id>/drain).")
public final class AgentDrainCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Parameters(index = "0", paramLabel = "<agent-id>", description = "The agent to drain.")
  String id;

  @Option(names = "--grace", converter = io.corral.command.DurationConverter.class,
      description = "Time its tasks get to finish (default: the master's --drain-grace-period).")
  Duration grace;

  @Override
  public Integer call() {
    String q = grace == null ? "" : "?grace=" + grace.toMillis() + "ms";
    JsonNode r = Actions.post(master.connect(), "api/v1/agents/" + MasterClient.enc(id) + "/drain" + q);
    System.out.println(r.get("message").asText());
    return 0;
  }
}
