package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code corral frameworks}: the frameworks, busiest first. */
@Command(name = "frameworks", mixinStandardHelpOptions = true,
    description = "List the frameworks by dominant share (GET /api/v1/frameworks).")
public final class FrameworksCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Option(names = "--json", description = "Print the API's JSON array instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    JsonNode frameworks = master.connect().get("api/v1/frameworks");
    if (json) {
      Format.json(System.out, frameworks);
      return 0;
    }
    java.util.List<JsonNode> sorted = new java.util.ArrayList<>();
    frameworks.forEach(sorted::add);
    sorted.sort((a, b) -> Double.compare(b.get("dominant_share").asDouble(), a.get("dominant_share").asDouble()));
    Table t = new Table("ID", "NAME", "ROLE", "ACTIVE", "CPUS", "MEM", "TASKS", "SHARE");
    for (JsonNode f : sorted) {
      t.row(f.get("id").asText(), f.get("name").asText(), f.get("role").asText(),
          f.get("active").asBoolean() ? "yes" : "no", Format.cpus(f.get("used_resources").get("cpus").asDouble()),
          Format.mib(f.get("used_resources").get("mem").asDouble()), f.get("active_tasks").asInt(),
          String.format("%.1f%%", f.get("dominant_share").asDouble() * 100));
    }
    t.print(System.out);
    return 0;
  }
}
