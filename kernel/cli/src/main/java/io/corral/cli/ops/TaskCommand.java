package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code corral task}: act on one task. */
@Command(name = "task", mixinStandardHelpOptions = true, description = "Act on one task.",
    subcommands = {TaskCommand.Kill.class})
public final class TaskCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name an action: kill");
  }

  /** {@code corral task kill <framework-id>/<task-id>}. */
  @Command(name = "kill", mixinStandardHelpOptions = true,
      description = "Kill a task as its scheduler would (POST /api/v1/tasks/<framework-id>/<task-id>/kill).")
  static final class Kill implements Callable<Integer> {
    @Mixin MasterOption master;

    @Parameters(index = "0", paramLabel = "<framework-id>/<task-id>",
        description = "The task (a bare task id works when only one framework has it).")
    String ref;

    @Override
    public Integer call() {
      MasterClient client = master.connect();
      JsonNode task = TaskRef.resolve(client, ref);
      JsonNode r = Actions.post(client, "api/v1/tasks/" + MasterClient.enc(task.get("framework_id").asText()) + "/"
          + MasterClient.enc(task.get("id").asText()) + "/kill");
      System.out.println(r.get("message").asText());
      return 0;
    }
  }
}
