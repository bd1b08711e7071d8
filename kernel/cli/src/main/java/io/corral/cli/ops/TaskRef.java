package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.command.CliException;
import java.util.ArrayList;
import java.util.List;

/** A task as the user names it: {@code <framework-id>/<task-id>}, or a bare task id when it is unique. */
final class TaskRef {
  private TaskRef() {}

  /** The task's JSON from the master; a bare id that several frameworks use is an error (exit 2). */
  static JsonNode resolve(MasterClient client, String ref) {
    if (ref == null || ref.isBlank() || ref.startsWith("/") || ref.endsWith("/")) {
      throw new CliException(2, "name a task as <framework-id>/<task-id> (or a task id that is unique), not '"
          + ref + "'");
    }
    int slash = ref.indexOf('/');
    String path = slash < 0 ? "api/v1/tasks/" + MasterClient.enc(ref)
        : "api/v1/tasks/" + MasterClient.enc(ref.substring(0, slash)) + "/" + MasterClient.enc(ref.substring(slash + 1));
    try {
      return client.get(path);
    } catch (MasterClient.ApiError e) {
      if (e.status() == 409) {
        List<String> candidates = new ArrayList<>();
        e.body().path("candidates").forEach(c -> candidates.add(c.asText()));
        throw new CliException(2, "task id '" + ref + "' is ambiguous: it names " + candidates.size()
            + " tasks (" + String.join(", ", candidates) + "); give <framework-id>/<task-id>");
      }
      if (e.status() == 404) {
        throw new CliException(1, "no task " + ref);
      }
      throw e;
    }
  }
}
