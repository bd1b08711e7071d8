package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code corral status}: the cluster in a few lines. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "A short summary of the cluster: the master, its web UI, agents, frameworks, tasks and capacity.")
public final class StatusCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Option(names = "--json", description = "Print the master's whole state (GET /api/v1/state) as JSON.")
  boolean json;

  @Override
  public Integer call() {
    MasterClient client = master.connect();
    JsonNode s = client.get("api/v1/state");
    PrintStream out = System.out;
    if (json) {
      Format.json(out, s);
      return 0;
    }
    JsonNode c = s.get("cluster");
    out.println("master: " + s.get("master").get("address").asText() + " (leader, version "
        + s.get("master").get("version").asText() + ")");
    out.println("http: " + client.url());
    out.println("agents: " + c.get("active_agents").asInt() + " in service of " + c.get("agents").asInt());
    out.println("frameworks: " + c.get("frameworks").asInt());
    out.println("tasks: " + c.get("active_tasks").asInt() + " active, " + s.get("completed_tasks").size()
        + " completed (kept)");
    for (String r : new String[] {"cpus", "mem", "disk"}) {
      double total = c.get("resources").get(r).asDouble();
      double used = c.get("used_resources").get(r).asDouble();
      double offered = c.get("offered_resources").get(r).asDouble();
      String f = r.equals("cpus") ? Format.cpus(used) + " of " + Format.cpus(total)
          : Format.mib(used) + " of " + Format.mib(total);
      out.printf("%s: %s allocated (%.0f%%), %s offered%n", r, f, total == 0 ? 0 : used / total * 100,
          r.equals("cpus") ? Format.cpus(offered) : Format.mib(offered));
    }
    return 0;
  }
}
