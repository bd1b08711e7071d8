package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code corral agents}: the agents and what they hold. */
@Command(name = "agents", mixinStandardHelpOptions = true, description = "List the agents (GET /api/v1/agents).")
public final class AgentsCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Option(names = "--json", description = "Print the API's JSON array instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    JsonNode agents = master.connect().get("api/v1/agents");
    if (json) {
      Format.json(System.out, agents);
      return 0;
    }
    Table t = new Table("ID", "HOST", "STATUS", "MAINTENANCE", "CPUS", "MEM", "TASKS");
    for (JsonNode a : agents) {
      t.row(a.get("id").asText(), a.get("hostname").asText(), a.get("status").asText(),
          a.get("maintenance").asText().equals("NONE") ? "-" : a.get("maintenance").asText(),
          Format.cpus(a.get("used_resources").get("cpus").asDouble()) + "/"
              + Format.cpus(a.get("resources").get("cpus").asDouble()),
          Format.mib(a.get("used_resources").get("mem").asDouble()) + "/"
              + Format.mib(a.get("resources").get("mem").asDouble()),
          a.get("active_tasks").asInt());
    }
    t.print(System.out);
    return 0;
  }
}
