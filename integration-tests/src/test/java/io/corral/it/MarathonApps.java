package io.corral.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;

/** Reading Marathon's app answers ({@code GET /v2/apps/{id}?embed=app.tasks}'s {@code app}) in the tests. */
final class MarathonApps {
  private static final Set<String> TERMINAL = Set.of("TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST",
      "TASK_ERROR", "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN");

  private MarathonApps() {}

  static List<JsonNode> tasks(JsonNode app) {
    return StreamSupport.stream(app.path("tasks").spliterator(), false).toList();
  }

  /** The app's tasks that run (not those staging, nor those on an unreachable agent). */
  static List<JsonNode> running(JsonNode app) {
    return tasks(app).stream().filter(t -> t.get("state").asText().equals("TASK_RUNNING")).toList();
  }

  static Set<String> ids(JsonNode app) {
    Set<String> out = new HashSet<>();
    tasks(app).forEach(t -> out.add(t.get("id").asText()));
    return out;
  }

  static Optional<JsonNode> taskOn(JsonNode app, String host) {
    return tasks(app).stream().filter(t -> t.get("host").asText().equals(host)).findFirst();
  }

  /** Whether a task's (first) health check passes, as {@code healthCheckResults} says. */
  static boolean alive(JsonNode task) {
    JsonNode r = task.path("healthCheckResults");
    return r.size() > 0 && r.get(0).path("alive").asBoolean(false);
  }

  /**
   * Whether the app is where it should be: no deployment, {@code n} tasks, all running and (if it
   * has a health check) healthy.
   */
  static boolean isSettled(JsonNode app, int n) {
    boolean checked = app.path("healthChecks").size() > 0;
    List<JsonNode> tasks = tasks(app);
    return app.get("deployments").isEmpty() && app.get("tasksRunning").asInt() == n && tasks.size() == n
        && (!checked || app.get("tasksHealthy").asInt() == n && tasks.stream().allMatch(MarathonApps::alive));
  }

  /** Whether a kernel task state is terminal. */
  static boolean terminal(String state) {
    return TERMINAL.contains(state);
  }

  /** The kernel task id prefix of an app's tasks: {@code /eng/web} → {@code eng_web.}. */
  static String taskPrefix(String appId) {
    return appId.substring(1).replace('/', '_') + ".";
  }
}
