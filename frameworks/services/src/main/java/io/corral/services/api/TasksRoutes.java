package io.corral.services.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.frameworks.common.http.QueryParams;
import io.corral.http.ApiException;
import io.corral.http.Response;
import io.corral.services.api.json.InvalidRequestException;
import io.corral.services.api.json.MarathonJson;
import io.corral.services.api.json.TaskWriter;
import io.corral.services.api.json.Violation;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.AppStatusView;
import io.corral.services.app.KillResult;
import io.corral.services.app.ServiceException;
import io.corral.services.app.ServicesBackend;
import io.corral.services.app.ServicesSnapshot;
import io.corral.services.app.TaskView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Tasks as Marathon answered them: {@code GET /v2/tasks} ({@code ?status=running|staging|...}),
 * {@code POST /v2/tasks/delete}, {@code GET/DELETE /v2/apps/{id}/tasks},
 * {@code DELETE /v2/apps/{id}/tasks/{taskId}}. A kill with {@code scale=true} answers the deployment
 * that lowers {@code instances}; without, the tasks killed.
 */
final class TasksRoutes {
  private final ServicesBackend backend;
  private final Duration timeout;

  TasksRoutes(ServicesBackend backend, Duration timeout) {
    this.backend = backend;
    this.timeout = timeout;
  }

  /** {@code GET /v2/tasks}, filtered by {@code status} (or {@code status[]}). */
  Response list(QueryParams q) {
    Set<String> states = new HashSet<>();
    q.list("status").forEach(s -> states.add(state(s)));
    q.list("status[]").forEach(s -> states.add(state(s)));
    ServicesSnapshot snapshot = backend.snapshot();
    List<ObjectNode> tasks = new ArrayList<>();
    for (AppStatusView a : snapshot.apps().values()) {
      a.tasks().stream().filter(t -> states.isEmpty() || states.contains(t.state()))
          .forEach(t -> tasks.add(TaskWriter.task(t, a.app())));
    }
    return tasksAnswer(tasks);
  }

  /** {@code POST /v2/tasks/delete} with {@code {"ids": [...]}}. */
  Response killListed(byte[] body, QueryParams q) {
    return kill(ids(body), q, false);
  }

  /** {@code GET /v2/apps/{id}/tasks}. */
  Response ofApp(AppId id) {
    AppStatusView app = status(id);
    return tasksAnswer(app.tasks().stream().map(t -> TaskWriter.task(t, app.app())).toList());
  }

  /** {@code DELETE /v2/apps/{id}/tasks}: all the app's tasks, or those on {@code host}. */
  Response killOfApp(AppId id, QueryParams q) {
    String host = q.text("host").orElse(null);
    List<String> ids = status(id).tasks().stream().filter(t -> host == null || host.equals(t.host()))
        .map(TaskView::id).toList();
    return kill(ids, q, false);
  }

  /** {@code DELETE /v2/apps/{id}/tasks/{taskId}}. */
  Response killOne(AppId id, String taskId, QueryParams q) {
    boolean known = status(id).tasks().stream().anyMatch(t -> t.id().equals(taskId));
    if (!known) {
      throw ServiceException.unknownTask(taskId);
    }
    return kill(List.of(taskId), q, true);
  }

  private Response kill(List<String> ids, QueryParams q, boolean single) {
    boolean scale = q.flag("scale", false);
    boolean wipe = q.flag("wipe", false);
    if (scale && wipe) {
      throw new ApiException(400, "scale=true and wipe=true cannot be combined");
    }
    KillResult result = Backend.await(backend.killTasks(ids, scale, wipe, q.flag("force", false)), timeout);
    if (result.deployment() != null) {
      return Answers.deployment(200, result.deployment());
    }
    ServicesSnapshot snapshot = backend.snapshot();
    List<ObjectNode> killed = result.killed().stream().map(t -> TaskWriter.task(t, definition(snapshot, t.appId())))
        .toList();
    if (single && killed.size() == 1) {
      return Answers.json(200, Answers.object().set("task", killed.get(0)));
    }
    return tasksAnswer(killed);
  }

  /** {@code {"ids": ["task1", ...]}}. */
  private static List<String> ids(byte[] body) {
    JsonNode root = MarathonJson.parse(body);
    JsonNode ids = root.get("ids");
    if (ids == null || !ids.isArray()) {
      throw new InvalidRequestException(422, InvalidRequestException.INVALID_JSON,
          List.of(new Violation("/ids", ids == null ? "error.path.missing" : "error.expected.jsarray")));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (!ids.get(i).isTextual()) {
        throw new InvalidRequestException(422, InvalidRequestException.INVALID_JSON,
            List.of(new Violation("/ids(" + i + ")", "error.expected.jsstring")));
      }
      out.add(ids.get(i).textValue());
    }
    return out.stream().distinct().collect(Collectors.toList());
  }

  /** A status filter's state: {@code running} or {@code TASK_RUNNING}. */
  private static String state(String status) {
    String upper = status.toUpperCase(Locale.ROOT);
    return upper.startsWith("TASK_") ? upper : "TASK_" + upper;
  }

  private AppStatusView status(AppId id) {
    AppStatusView s = backend.snapshot().apps().get(id);
    if (s == null) {
      throw ServiceException.unknownApp(id);
    }
    return s;
  }

  private static AppDefinition definition(ServicesSnapshot snapshot, AppId id) {
    AppStatusView s = snapshot.apps().get(id);
    return s == null ? null : s.app();
  }

  private static Response tasksAnswer(List<ObjectNode> tasks) {
    ObjectNode body = Answers.object();
    ArrayNode array = body.putArray("tasks");
    tasks.forEach(array::add);
    return Answers.json(200, body);
  }
}
