package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code corral roles}: every role with a quota, a weight, a framework or an allocation. */
@Command(name = "roles", mixinStandardHelpOptions = true,
    description = "List the roles: weight, quota (guarantee, limit), allocation, offers, frameworks, preemptions "
        + "(GET /api/v1/roles). A role counts its sub-roles' allocations and frameworks.")
public final class RolesCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Option(names = "--json", description = "Print the API's JSON array instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    JsonNode roles = master.connect().get("api/v1/roles").get("roles");
    if (json) {
      Format.json(System.out, roles);
      return 0;
    }
    Table t = new Table("ROLE", "WEIGHT", "GUARANTEE", "LIMIT", "ALLOCATED", "OFFERED", "FRAMEWORKS", "PREEMPTIONS");
    for (JsonNode r : roles) {
      t.row(r.get("name").asText(), Format.cpus(r.get("weight").asDouble()), resources(r.get("guarantee")),
          resources(r.get("limit")), resources(r.get("allocated")), resources(r.get("offered")),
          r.get("frameworks").asInt(), r.get("preemptions").asLong());
    }
    t.print(System.out);
    return 0;
  }

  /** {@code cpus:2;mem:1024} as --resources takes it, {@code -} when none. */
  private static String resources(JsonNode scalars) {
    List<String> parts = new ArrayList<>();
    scalars.fields().forEachRemaining(e -> parts.add(e.getKey() + ":" + Format.cpus(e.getValue().asDouble())));
    return parts.isEmpty() ? "-" : String.join(";", parts);
  }
}
