package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.command.CliException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code corral logs}: a task's stdout or stderr, read from its agent's sandbox API. */
@Command(name = "logs", mixinStandardHelpOptions = true,
    description = "Print a task's stdout (or stderr) from its sandbox; with --follow keep printing what it "
        + "writes until the task ends.")
public final class LogsCommand implements Callable<Integer> {
  private static final Set<String> TERMINAL = Set.of("TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST",
      "TASK_ERROR", "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN");
  private static final int CHUNK = 256 * 1024;

  @Mixin MasterOption master;

  @Parameters(index = "0", paramLabel = "<framework-id>/<task-id>",
      description = "The task (a bare task id works when only one framework has it).")
  String ref;

  @Option(names = "--stderr", description = "Print stderr instead of stdout.")
  boolean stderr;

  @Option(names = {"-f", "--follow"}, description = "Keep printing new output until the task ends.")
  boolean follow;

  @Override
  public Integer call() throws InterruptedException {
    MasterClient client = master.connect();
    JsonNode task = TaskRef.resolve(client, ref);
    String fw = task.get("framework_id").asText();
    String id = task.get("id").asText();
    JsonNode agent;
    try {
      agent = client.get("api/v1/agents/" + MasterClient.enc(task.get("agent_id").asText()));
    } catch (MasterClient.ApiError e) {
      throw new CliException(1, "the agent of task " + fw + "/" + id + " is gone: " + e.getMessage());
    }
    if (!agent.hasNonNull("http_url")) {
      throw new CliException(1, "agent " + agent.get("id").asText() + " serves no sandbox API");
    }
    String base = agent.get("http_url").asText() + "api/v1/";
    String q = "sandbox?framework=" + MasterClient.enc(fw) + "&task=" + MasterClient.enc(id)
        + (task.path("executor_id").asText().isEmpty() ? "" : "&executor=" + MasterClient.enc(task.get("executor_id").asText()));
    String path;
    try {
      path = client.getAbsolute(base + q).get("path").asText() + "/" + (stderr ? "stderr" : "stdout");
    } catch (MasterClient.ApiError e) {
      throw new CliException(1, "no sandbox of task " + fw + "/" + id + " on agent " + agent.get("id").asText()
          + ": " + e.getMessage());
    }
    PrintStream out = System.out;
    long offset = 0;
    boolean ended = false;
    while (true) {
      JsonNode chunk;
      try {
        chunk = client.getAbsolute(base + "files/read?path=" + MasterClient.enc(path) + "&offset=" + offset
            + "&length=" + CHUNK);
      } catch (MasterClient.ApiError e) {
        throw new CliException(1, "cannot read " + path + ": " + e.getMessage());
      }
      int n = chunk.get("length").asInt();
      if (n > 0) {
        byte[] data = chunk.get("data").asText().getBytes(StandardCharsets.UTF_8);
        out.write(data, 0, data.length);
        out.flush();
        offset = chunk.get("offset").asLong() + n;
        continue;
      }
      if (!follow || ended) {
        return 0;
      }
      String state;
      try {
        state = client.get("api/v1/tasks/" + MasterClient.enc(fw) + "/" + MasterClient.enc(id)).get("state").asText();
      } catch (MasterClient.ApiError e) {
        return 0; // forgotten by the master: it ended long ago
      }
      if (TERMINAL.contains(state)) {
        ended = true; // one last read: what it wrote just before it ended
        continue;
      }
      Thread.sleep(500); // polling the sandbox, as tail -f does
    }
  }
}
