package io.corral.services.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.frameworks.common.http.ErrorBody;
import io.corral.frameworks.common.http.PathParams;
import io.corral.frameworks.common.http.QueryParams;
import io.corral.frameworks.common.http.Router;
import io.corral.http.Request;
import io.corral.http.Response;
import io.corral.http.Route;
import io.corral.services.api.json.InvalidRequestException;
import io.corral.services.api.json.MalformedJsonException;
import io.corral.services.app.AppId;
import io.corral.services.app.ServiceException;
import io.corral.services.app.ServicesBackend;
import java.time.Duration;
import java.util.function.Function;

/**
 * Marathon's v2 REST API (and {@code /ping}, {@code /metrics}, and the services' own page at {@code /})
 * over a {@link ServicesBackend}: routes each path to the resource it names and answers every
 * refusal in Marathon's shape ({@code {"message": ...}}, with {@code details} for invalid
 * definitions, the locking deployments for a 409). App ids are paths ({@code /v2/apps/eng/web/tasks}
 * are the tasks of {@code /eng/web}). Like Marathon's, these endpoints need no CSRF header; with
 * security on, authentication protects them.
 */
public final class MarathonApi implements Route {
  private final Router router;

  /**
   * @param backendOf the backend a request acts on (with security on, one that checks the caller's
   *     rights; the routes are built once, the resources for each request)
   * @param timeout how long a request waits for the engine to take a command
   * @param events answers {@code GET /v2/events} (the event stream, which the caller owns); null: none
   */
  public MarathonApi(Function<Request, ServicesBackend> backendOf, ServicesInfo info, Duration timeout,
      Route events) {
    Function<Request, AppsRoutes> apps = r -> new AppsRoutes(backendOf.apply(r), timeout);
    Function<Request, TasksRoutes> tasks = r -> new TasksRoutes(backendOf.apply(r), timeout);
    Function<Request, DeploymentsRoutes> deployments = r -> new DeploymentsRoutes(backendOf.apply(r), timeout);
    Function<Request, GroupsRoutes> groups = r -> new GroupsRoutes(backendOf.apply(r));
    Function<Request, InfoRoutes> infos = r -> new InfoRoutes(backendOf.apply(r), info);
    ServicesUi ui = new ServicesUi();
    Router.Builder routes = Router.builder(ErrorBody.MESSAGE)
        .get("/", (r, p) -> ui.serve("index.html"))
        .get("/ui", (r, p) -> ui.serve("index.html"))
        .get("/ui/{file}", (r, p) -> ui.serve(p.get("file")))
        .get("/ping", (r, p) -> infos.apply(r).ping())
        .get("/metrics", (r, p) -> infos.apply(r).metrics())
        .get("/v2/info", (r, p) -> infos.apply(r).info())
        .get("/v2/leader", (r, p) -> infos.apply(r).leader())
        .get("/v2/apps", (r, p) -> apps.apply(r).list(q(r)))
        .post("/v2/apps", (r, p) -> apps.apply(r).create(r))
        .get("/v2/apps/{id*}", (r, p) -> apps.apply(r).get(id(p)))
        .put("/v2/apps/{id*}", (r, p) -> apps.apply(r).put(r, id(p), q(r)))
        .patch("/v2/apps/{id*}", (r, p) -> apps.apply(r).patch(r, id(p), q(r)))
        .delete("/v2/apps/{id*}", (r, p) -> apps.apply(r).delete(id(p), q(r)))
        .post("/v2/apps/{id*}/restart", (r, p) -> apps.apply(r).restart(id(p), q(r)))
        .get("/v2/apps/{id*}/tasks", (r, p) -> tasks.apply(r).ofApp(id(p)))
        .delete("/v2/apps/{id*}/tasks", (r, p) -> tasks.apply(r).killOfApp(id(p), q(r)))
        .delete("/v2/apps/{id*}/tasks/{taskId}", (r, p) -> tasks.apply(r).killOne(id(p), p.get("taskId"), q(r)))
        .get("/v2/tasks", (r, p) -> tasks.apply(r).list(q(r)))
        .post("/v2/tasks/delete", (r, p) -> tasks.apply(r).killListed(r.body(), q(r)))
        .get("/v2/deployments", (r, p) -> deployments.apply(r).list())
        .get("/v2/deployments/{id}", (r, p) -> deployments.apply(r).get(p.get("id")))
        .delete("/v2/deployments/{id}", (r, p) -> deployments.apply(r).delete(p.get("id"), q(r)))
        .get("/v2/groups", (r, p) -> groups.apply(r).get(AppId.ROOT, q(r)))
        .get("/v2/groups/{id*}", (r, p) -> groups.apply(r).get(groupId(p), q(r)))
        .exception(InvalidRequestException.class, e -> Answers.json(e.status(), e.toJson()))
        .exception(MalformedJsonException.class, e -> Answers.json(400,
            Answers.object().put("message", e.getMessage()).put("details", e.details())))
        .exception(LockedException.class, MarathonApi::locked)
        .exception(ServiceException.class, e -> Answers.message(e.status(), e.getMessage()));
    if (events != null) {
      routes.get("/v2/events", (r, p) -> events.handle(r));
    }
    this.router = routes.build();
  }

  /** Every request on {@code backend}. */
  public MarathonApi(ServicesBackend backend, ServicesInfo info, Duration timeout, Route events) {
    this(r -> backend, info, timeout, events);
  }

  /** Without an event stream. */
  public MarathonApi(ServicesBackend backend, ServicesInfo info, Duration timeout) {
    this(backend, info, timeout, null);
  }

  @Override
  public Response handle(Request request) {
    return router.handle(request);
  }

  private static QueryParams q(Request r) {
    return QueryParams.parse(r.rawQuery());
  }

  private static AppId id(PathParams p) {
    return pathId(p, "App");
  }

  private static AppId groupId(PathParams p) {
    return pathId(p, "Group");
  }

  /** The {@code {id*}} of the path as an id; one that cannot be an id names nothing that exists (404). */
  private static AppId pathId(PathParams p, String kind) {
    String id = "/" + p.get("id");
    try {
      return new AppId(id);
    } catch (IllegalArgumentException e) {
      throw new ServiceException(404, kind + " '" + id + "' does not exist");
    }
  }

  /** A 409 as Marathon answered it: the message and the deployments that lock the app. */
  private static Response locked(LockedException e) {
    ObjectNode body = Answers.object().put("message", e.getMessage());
    ArrayNode ids = body.putArray("deployments");
    e.deploymentIds().forEach(id -> ids.addObject().put("id", id));
    return Answers.json(409, body);
  }
}
