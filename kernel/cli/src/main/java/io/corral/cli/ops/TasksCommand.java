package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code corral tasks}: live and recently completed tasks. */
@Command(name = "tasks", mixinStandardHelpOptions = true,
    description = "List tasks, live then recently completed (GET /api/v1/tasks).")
public final class TasksCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Option(names = "--json", description = "Print the API's JSON array instead of a table.")
  boolean json;

  @Option(names = "--state", description = "Only tasks in this state (running, finished, failed, TASK_KILLED, ...).")
  String state;

  @Option(names = "--framework", description = "Only tasks of this framework id.")
  String framework;

  @Option(names = "--agent", description = "Only tasks on this agent id.")
  String agent;

  @Option(names = "--active", description = "Only live tasks (leave out completed ones).")
  boolean active;

  @Override
  public Integer call() {
    List<String> q = new ArrayList<>();
    if (state != null) {
      q.add("state=" + MasterClient.enc(state));
    }
    if (framework != null) {
      q.add("framework=" + MasterClient.enc(framework));
    }
    if (agent != null) {
      q.add("agent=" + MasterClient.enc(agent));
    }
    if (active) {
      q.add("completed=false");
    }
    JsonNode tasks = master.connect().get("api/v1/tasks" + (q.isEmpty() ? "" : "?" + String.join("&", q)));
    if (json) {
      Format.json(System.out, tasks);
      return 0;
    }
    Table t = new Table("FRAMEWORK/TASK", "NAME", "STATE", "AGENT", "CPUS", "MEM");
    for (JsonNode task : tasks) {
      t.row(task.get("framework_id").asText() + "/" + task.get("id").asText(), task.get("name").asText(),
          task.get("state").asText(), task.get("agent_id").asText(),
          Format.cpus(task.get("resources").get("cpus").asDouble()),
          Format.mib(task.get("resources").get("mem").asDouble()));
    }
    t.print(System.out);
    return 0;
  }
}
