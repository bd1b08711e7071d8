package io.corral.services.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.http.ApiException;
import io.corral.http.HttpIo;
import io.corral.http.Request;
import io.corral.http.Response;
import io.corral.http.Route;
import io.corral.services.api.json.InvalidRequestException;
import io.corral.services.api.json.MalformedJsonException;
import io.corral.services.app.AppId;
import io.corral.services.app.ServiceException;
import io.corral.services.app.ServicesBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marathon's v2 REST API (and {@code /ping}, {@code /metrics}, and the services' own page at {@code /})
 * over a {@link ServicesBackend}: finds
 * the resource a path names and answers every refusal in Marathon's shape ({@code {"message": ...}},
 * with {@code details} for invalid definitions). Like Marathon's, these endpoints need no CSRF
 * header; with security on, authentication protects them.
 */
public final class MarathonApi implements Route {
  private static final Logger LOG = LoggerFactory.getLogger(MarathonApi.class);

  private final AppsRoutes apps;
  private final TasksRoutes tasks;
  private final DeploymentsRoutes deployments;
  private final GroupsRoutes groups;
  private final InfoRoutes info;
  private final ServicesUi ui = new ServicesUi();
  private final Route events;

  /**
   * @param timeout how long a request waits for the engine to take a command
   * @param events answers {@code GET /v2/events} (the event stream, which the caller owns); null: none
   */
  public MarathonApi(ServicesBackend backend, ServicesInfo info, Duration timeout, Route events) {
    this.apps = new AppsRoutes(backend, timeout);
    this.tasks = new TasksRoutes(backend, timeout);
    this.deployments = new DeploymentsRoutes(backend, timeout);
    this.groups = new GroupsRoutes(backend);
    this.info = new InfoRoutes(backend, info);
    this.events = events;
  }

  /** Without an event stream. */
  public MarathonApi(ServicesBackend backend, ServicesInfo info, Duration timeout) {
    this(backend, info, timeout, null);
  }

  @Override
  public Response handle(Request request) {
    try {
      return route(request, HttpIo.segments(request.rawPath()), QueryParams.parse(request.rawQuery()));
    } catch (InvalidRequestException e) {
      return Answers.json(e.status(), e.toJson());
    } catch (MalformedJsonException e) {
      return Answers.json(400, Answers.object().put("message", e.getMessage()).put("details", e.details()));
    } catch (LockedException e) {
      ObjectNode body = Answers.object().put("message", e.getMessage());
      ArrayNode ids = body.putArray("deployments");
      e.deploymentIds().forEach(id -> ids.addObject().put("id", id));
      return Answers.json(409, body);
    } catch (ServiceException e) {
      return Answers.message(e.status(), e.getMessage());
    } catch (ApiException e) {
      Response r = Answers.message(e.status(), e.getMessage());
      for (Map.Entry<String, String> h : e.headers().entrySet()) {
        r = r.withHeader(h.getKey(), h.getValue());
      }
      return r;
    } catch (RuntimeException e) {
      LOG.warn("{} failed", request, e);
      return Answers.message(500, "internal error: " + e.getMessage());
    }
  }

  private Response route(Request r, List<String> path, QueryParams q) {
    if (path.isEmpty() || path.equals(List.of("ui"))) {
      return ui.serve(r, "index.html");
    }
    if (path.size() == 2 && path.get(0).equals("ui")) {
      return ui.serve(r, path.get(1));
    }
    if (path.equals(List.of("ping"))) {
      return info.ping(r);
    }
    if (path.equals(List.of("metrics"))) {
      return info.metrics(r);
    }
    if (path.size() < 2 || !path.get(0).equals("v2")) {
      throw new ApiException(404, "URI not found");
    }
    List<String> rest = path.subList(2, path.size());
    return switch (path.get(1)) {
      case "apps" -> rest.isEmpty() ? apps.collection(r, q) : appResource(r, rest, q);
      case "tasks" -> tasks.collection(r, rest, q);
      case "deployments" -> deployments.handle(r, rest, q);
      case "groups" -> groups.handle(r, rest, q);
      case "info" -> info.info(r);
      case "leader" -> info.leader(r);
      case "events" -> events(r, rest);
      default -> throw new ApiException(404, "URI not found");
    };
  }

  private Response events(Request r, List<String> rest) {
    if (events == null || !rest.isEmpty()) {
      throw new ApiException(404, "URI not found");
    }
    if (!Methods.isGet(r)) {
      throw Methods.notAllowed(r, "GET");
    }
    try {
      return events.handle(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code /v2/apps/{id}}, {@code .../restart}, {@code .../tasks}, {@code .../tasks/{taskId}}. */
  private Response appResource(Request r, List<String> rest, QueryParams q) {
    int n = rest.size();
    String last = rest.get(n - 1);
    if (n >= 2 && last.equals("restart")) {
      return apps.restart(r, id(rest.subList(0, n - 1)), q);
    }
    if (n >= 2 && last.equals("tasks")) {
      return tasks.ofApp(r, id(rest.subList(0, n - 1)), q);
    }
    if (n >= 3 && rest.get(n - 2).equals("tasks")) {
      return tasks.oneOfApp(r, id(rest.subList(0, n - 2)), last, q);
    }
    return apps.one(r, id(rest), q);
  }

  private static AppId id(List<String> segments) {
    try {
      return new AppId("/" + String.join("/", segments));
    } catch (IllegalArgumentException e) {
      throw new ApiException(404, "App '/" + String.join("/", segments) + "' does not exist");
    }
  }
}
