package io.corral.master.http;

import io.corral.http.ApiException;
import io.corral.http.HttpIo;
import io.corral.http.HttpLimits;
import io.corral.http.Query;
import io.corral.http.Request;
import io.corral.http.Response;
import io.corral.http.server.HttpServer;
import io.corral.master.core.OperatorResult;
import io.corral.protocol.TaskState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import io.corral.http.auth.Acls;
import io.corral.http.auth.Authorizer;
import io.corral.http.auth.DaemonSecurity;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's HTTP side: the JSON API under {@code /api/v1/}, {@code /health}, {@code /metrics}
 * (Prometheus text) and the web UI at {@code /}. A standby answers {@code /health} and
 * {@code /metrics} itself and redirects everything else to the leader.
 *
 * <p>Reads are captured on the master's loop ({@link StateSnapshot#capture}) and serialised on
 * the server's worker threads, so a large state never holds the loop for longer than the copy.
 */
public final class MasterHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MasterHttpServer.class);
  private static final long QUERY_TIMEOUT_SECONDS = 30;
  /** Longest drain grace period the API takes (a longer one is a 400 that names it). */
  static final java.time.Duration MAX_DRAIN_GRACE = java.time.Duration.ofDays(365);
  private static final Map<String, String> UI_FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8",
      "style.css", "text/css; charset=utf-8");

  private final MasterBackend master;
  private final MasterPrometheus prometheus;
  private final Clock clock;
  private final HttpServer server;
  private final String url;
  private final Authorizer authorizer;
  private final SandboxProxy proxy;

  /**
   * Binds {@code bindHost:port} (0 = any free port) and serves at once.
   *
   * @param advertiseHost the host clients reach this server at (in {@link #url()})
   */
  public MasterHttpServer(String bindHost, int port, String advertiseHost, MasterBackend master,
      MasterPrometheus prometheus, Clock clock) throws IOException {
    this(bindHost, port, advertiseHost, 0, master, prometheus, clock, null);
  }

  /**
   * @param advertisePort the port clients reach this server at, when a NAT forwards another one to it
   *     (0 = the port bound)
   * @param security HTTPS, authentication and ACLs (null = plain HTTP, anyone may do anything)
   */
  public MasterHttpServer(String bindHost, int port, String advertiseHost, int advertisePort, MasterBackend master,
      MasterPrometheus prometheus, Clock clock, DaemonSecurity security) throws IOException {
    this.master = master;
    this.prometheus = prometheus;
    this.clock = clock;
    this.authorizer = DaemonSecurity.authorizer(security);
    this.proxy = new SandboxProxy(security);
    this.server = HttpServer.start(bindHost, port, "corral-master-http", HttpLimits.DEFAULTS, this::route,
        security == null ? null : security.http());
    this.url = (security == null ? "http://" : "https://")
        + new io.corral.common.net.HostPort(advertiseHost, advertisePort > 0 ? advertisePort : server.port()) + "/";
  }

  private void authorize(Request req, Acls.Action action, String object) {
    authorizer.require(req, req.principal(), action, object);
  }

  /** Checks an action on a framework's things against the framework's principal (unknown: let the action 404). */
  private void authorizeOnFramework(Request req, Acls.Action action, String frameworkId) {
    if (!authorizer.enabled()) {
      return;
    }
    Optional<String> owner = await(master.query(v -> Optional.ofNullable(v.frameworkEntry(frameworkId))
        .map(f -> f.info().getPrincipal())));
    if (owner.isPresent()) {
      authorize(req, action, owner.get());
    }
  }

  /** Where this server is reached, {@code http://host:port/}. */
  public String url() {
    return url;
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
  }

  // ---- dispatch ---------------------------------------------------------------------------

  private Response route(Request req) throws IOException {
    String rawPath = req.rawPath();
    String rawQuery = req.rawQuery();
    String method = req.method();
    if (rawPath.equals("/health")) {
      HttpIo.allow(method, "GET");
      Query.parse(rawQuery, Set.of());
      return Response.json(200, health());
    }
    if (rawPath.equals("/metrics")) {
      HttpIo.allow(method, "GET");
      authorize(req, Acls.Action.VIEW_STATE, null);
      Query.parse(rawQuery, Set.of());
      MasterPrometheus.ClusterGauges gauges = master.leading()
          ? MasterPrometheus.ClusterGauges.of(summary())
          : MasterPrometheus.ClusterGauges.NONE;
      List<io.corral.master.core.RoleSummary> roles = master.leading() ? await(master.query(v -> v.roles())) : List.of();
      return Response.of(200, prometheus.contentType(),
          prometheus.scrape(gauges, roles).getBytes(StandardCharsets.UTF_8));
    }
    if (!master.leading()) {
      return redirectToLeader(rawPath, rawQuery);
    }
    if (rawPath.equals("/") || rawPath.startsWith("/ui/")) {
      HttpIo.allow(method, "GET");
      return serveUi(rawPath.equals("/") ? "index.html" : rawPath.substring("/ui/".length()));
    }
    if (rawPath.startsWith("/api/v1/") || rawPath.equals("/api/v1")) {
      return api(req, HttpIo.segments(rawPath.substring("/api/v1".length())));
    }
    throw ApiException.notFound("no such endpoint: " + rawPath + " (the API is under /api/v1/)");
  }

  private Map<String, Object> health() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", "ok");
    out.put("leading", master.leading());
    out.put("phase", master.phase());
    master.leaderHttpUrl().ifPresent(l -> out.put("leader_http_url", l));
    return out;
  }

  private Response redirectToLeader(String rawPath, String rawQuery) {
    Optional<String> leader = master.leaderHttpUrl();
    if (leader.isEmpty()) {
      throw new ApiException(503, "this master does not serve as the leader now (" + master.phase()
          + ") and knows of no leader yet; try again shortly");
    }
    String base = leader.get().endsWith("/") ? leader.get().substring(0, leader.get().length() - 1) : leader.get();
    String location = base + rawPath + (rawQuery == null ? "" : "?" + rawQuery);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "this master is a standby; the leader serves " + location);
    body.put("leader_http_url", leader.get());
    return Response.json(307, body).withHeader("Location", location);
  }

  // ---- the API ----------------------------------------------------------------------------

  private Response api(Request req, List<String> seg) {
    String method = req.method();
    String rawQuery = req.rawQuery();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      HttpIo.requireCsrfHeader(req);
    }
    if (seg.isEmpty()) {
      throw ApiException.notFound("no such endpoint: /api/v1/ (try /api/v1/state)");
    }
    if (method.equals("GET") || method.equals("HEAD")) {
      authorize(req, Acls.Action.VIEW_STATE, null);
    }
    String head = seg.get(0);
    return switch (head) {
      case "state" -> {
        expectLength(seg, 1);
        HttpIo.allow(method, "GET");
        Query q = Query.parse(rawQuery, Set.of("tasks"));
        // tasks=false leaves out the task lists: what a page that shows no task needs, at a fraction of the size
        yield Response.json(200, q.boolValue("tasks", true) ? snapshot() : summary());
      }
      case "agents" -> agents(req, seg);
      case "roles" -> {
        expectLength(seg, 1);
        HttpIo.allow(method, "GET");
        Query.parse(rawQuery, Set.of());
        yield Response.json(200, Map.of("roles", roles()));
      }
      case "quota" -> quota(req, seg);
      case "weights" -> weights(req, seg);
      case "frameworks" -> frameworks(req, seg);
      case "tasks" -> tasks(req, seg);
      case "offers" -> {
        expectLength(seg, 1);
        HttpIo.allow(method, "GET");
        Query.parse(rawQuery, Set.of());
        yield Response.json(200, summary().offers());
      }
      default -> throw ApiException.notFound("no such endpoint: /api/v1/" + String.join("/", seg));
    };
  }

  private Response agents(Request req, List<String> seg) {
    String method = req.method();
    String rawQuery = req.rawQuery();
    if (seg.size() <= 2) {
      return listOrOne(req, seg, summary().agents(), StateSnapshot.AgentJson::id, "agent");
    }
    String id = seg.get(1);
    if (seg.get(2).equals("proxy")) {
      HttpIo.allow(method, "GET");
      String agentUrl = summary().agents().stream().filter(a -> a.id().equals(id)).findFirst()
          .orElseThrow(() -> ApiException.notFound("no agent " + id)).httpUrl();
      if (agentUrl == null) {
        throw ApiException.notFound("agent " + id + " serves no HTTP API");
      }
      return proxy.forward(req, agentUrl, seg.subList(3, seg.size()), rawQuery);
    }
    expectLength(seg, 3);
    return switch (seg.get(2)) {
      case "drain" -> {
        HttpIo.allow(method, "POST");
        authorize(req, Acls.Action.DRAIN_AGENT, null);
        Query q = Query.parse(rawQuery, Set.of("grace"));
        yield result(req, await(master.drainAgent(id, q.duration("grace", MAX_DRAIN_GRACE))));
      }
      case "undrain" -> {
        HttpIo.allow(method, "POST");
        authorize(req, Acls.Action.DRAIN_AGENT, null);
        Query.parse(rawQuery, Set.of());
        yield result(req, await(master.undrainAgent(id)));
      }
      case "reserve", "unreserve" -> {
        HttpIo.allow(method, "POST");
        Query.parse(rawQuery, Set.of());
        boolean reserve = seg.get(2).equals("reserve");
        io.corral.common.resources.PooledResources wanted;
        try {
          wanted = ReserveRequest.resources(req.body(), seg.get(2));
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest(e.getMessage());
        }
        for (String role : wanted.reserved().keySet()) {
          authorize(req, reserve ? Acls.Action.RESERVE_RESOURCES : Acls.Action.UNRESERVE_RESOURCES, role);
        }
        yield result(req, await(reserve ? master.reserve(id, wanted) : master.unreserve(id, wanted)));
      }
      default -> throw ApiException.notFound("no such endpoint: /api/v1/" + String.join("/", seg));
    };
  }

  /**
   * {@code PUT /api/v1/quota/<role>} with {@code {"guarantee": {...}, "limit": {...}}} ({@code
   * ?force=true} skips the capacity check), {@code DELETE /api/v1/quota/<role>}; the role is the
   * rest of the path, slashes included.
   */
  private Response quota(Request req, List<String> seg) {
    if (seg.size() < 2) {
      throw ApiException.notFound("no such endpoint: /api/v1/quota (name the role: /api/v1/quota/<role>)");
    }
    String role = String.join("/", seg.subList(1, seg.size()));
    String problem = io.corral.common.roles.RoleNames.problem(role);
    if (problem != null) {
      throw ApiException.badRequest(problem);
    }
    if (req.method().equals("DELETE")) {
      Query.parse(req.rawQuery(), Set.of());
      authorize(req, Acls.Action.UPDATE_QUOTA, role);
      return result(req, await(master.removeQuota(role)));
    }
    HttpIo.allow(req.method(), "PUT");
    Query q = Query.parse(req.rawQuery(), Set.of("force"));
    authorize(req, Acls.Action.UPDATE_QUOTA, role);
    io.corral.master.roles.Quota quota;
    try {
      quota = io.corral.master.roles.QuotaRequests.quota(req.body());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    return result(req, await(master.setQuota(role, quota, q.boolValue("force", false))));
  }

  /** {@code PUT /api/v1/weights} with {@code {"<role>": <weight>, ...}}. */
  private Response weights(Request req, List<String> seg) {
    expectLength(seg, 1);
    HttpIo.allow(req.method(), "PUT");
    Query.parse(req.rawQuery(), Set.of());
    Map<String, Double> weights;
    try {
      weights = io.corral.master.roles.QuotaRequests.weights(req.body());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    for (String role : weights.keySet()) {
      authorize(req, Acls.Action.UPDATE_WEIGHT, role);
    }
    return result(req, await(master.setWeights(weights)));
  }

  private List<Map<String, Object>> roles() {
    List<io.corral.master.core.RoleSummary> roles = await(master.query(v -> v.roles()));
    List<Map<String, Object>> out = new ArrayList<>();
    for (io.corral.master.core.RoleSummary r : roles) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.name());
      m.put("weight", r.weight());
      m.put("guarantee", scalars(r.guarantee()));
      m.put("limit", scalars(r.limit()));
      m.put("allocated", scalars(r.allocated()));
      m.put("offered", scalars(r.offered()));
      m.put("frameworks", r.frameworks());
      m.put("preemptions", r.preemptions());
      out.add(m);
    }
    return out;
  }

  /** Scalar resources as an object of numbers ({@code {}} when none). */
  private static Map<String, Double> scalars(io.corral.common.resources.Resources r) {
    Map<String, Double> out = new LinkedHashMap<>();
    r.scalars().forEach((name, v) -> out.put(name, io.corral.http.ResourcesJson.round(v)));
    return out;
  }

  private Response frameworks(Request req, List<String> seg) {
    if (seg.size() <= 2) {
      return listOrOne(req, seg, summary().frameworks(), StateSnapshot.FrameworkJson::id, "framework");
    }
    expectLength(seg, 3);
    if (!seg.get(2).equals("teardown")) {
      throw ApiException.notFound("no such endpoint: /api/v1/" + String.join("/", seg));
    }
    HttpIo.allow(req.method(), "POST");
    Query.parse(req.rawQuery(), Set.of());
    authorizeOnFramework(req, Acls.Action.TEARDOWN_FRAMEWORK, seg.get(1));
    return result(req, await(master.teardownFramework(seg.get(1))));
  }

  /** {@code GET /api/v1/<things>} (all of them) or {@code GET /api/v1/<things>/<id>} (one, or 404). */
  private static <T> Response listOrOne(Request req, List<String> seg, List<T> all,
      java.util.function.Function<T, String> id, String what) {
    HttpIo.allow(req.method(), "GET");
    Query.parse(req.rawQuery(), Set.of());
    if (seg.size() == 1) {
      return Response.json(200, all);
    }
    String wanted = seg.get(1);
    return Response.json(200, all.stream().filter(x -> id.apply(x).equals(wanted)).findFirst()
        .orElseThrow(() -> ApiException.notFound("no " + what + " " + wanted)));
  }

  private Response tasks(Request req, List<String> seg) {
    String method = req.method();
    String rawQuery = req.rawQuery();
    if (seg.size() == 1) {
      HttpIo.allow(method, "GET");
      Query q = Query.parse(rawQuery, Set.of("state", "framework", "agent", "completed", "limit"));
      Predicate<StateSnapshot.TaskJson> filter = taskFilter(q);
      int limit = q.intValue("limit", Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
      StateSnapshot s = snapshot();
      List<StateSnapshot.TaskJson> out = new ArrayList<>();
      s.tasks().stream().filter(filter).forEach(out::add);
      if (q.boolValue("completed", true)) {
        s.completedTasks().stream().filter(filter).forEach(out::add);
      }
      return Response.json(200, out.size() > limit ? out.subList(0, limit) : out);
    }
    if (seg.size() == 2) {
      // A bare task id: unique within its framework only, so it may name several tasks.
      HttpIo.allow(method, "GET");
      Query.parse(rawQuery, Set.of());
      String id = seg.get(1);
      List<StateSnapshot.TaskJson> found = await(master.query(v -> StateSnapshot.findTasks(v, null, id)));
      if (found.isEmpty()) {
        throw ApiException.notFound("no task " + seg.get(1));
      }
      if (found.size() > 1) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "task id " + seg.get(1) + " is ambiguous: " + found.size()
            + " frameworks have it; name it as <framework-id>/<task-id>");
        body.put("status", 409);
        body.put("candidates", found.stream().map(t -> t.frameworkId() + "/" + t.id()).toList());
        return Response.json(409, body);
      }
      return Response.json(200, found.get(0));
    }
    String fw = seg.get(1);
    String id = seg.get(2);
    if (seg.size() == 3) {
      HttpIo.allow(method, "GET");
      Query.parse(rawQuery, Set.of());
      List<StateSnapshot.TaskJson> found = await(master.query(v -> StateSnapshot.findTasks(v, fw, id)));
      if (found.isEmpty()) {
        throw ApiException.notFound("no task " + fw + "/" + id);
      }
      return Response.json(200, found.get(0));
    }
    expectLength(seg, 4);
    if (!seg.get(3).equals("kill")) {
      throw ApiException.notFound("no such endpoint: /api/v1/" + String.join("/", seg));
    }
    HttpIo.allow(method, "POST");
    Query.parse(rawQuery, Set.of());
    authorizeOnFramework(req, Acls.Action.KILL_TASK, fw);
    return result(req, await(master.killTask(fw, id)));
  }

  private static Predicate<StateSnapshot.TaskJson> taskFilter(Query q) {
    Predicate<StateSnapshot.TaskJson> p = t -> true;
    String state = q.get("state");
    if (state != null) {
      String name = taskState(state);
      p = p.and(t -> t.state().equals(name));
    }
    String fw = q.get("framework");
    if (fw != null) {
      p = p.and(t -> t.frameworkId().equals(fw));
    }
    String agent = q.get("agent");
    if (agent != null) {
      p = p.and(t -> t.agentId().equals(agent));
    }
    return p;
  }

  /** "running", "RUNNING" or "TASK_RUNNING" -> "TASK_RUNNING"; anything else is a 400. */
  static String taskState(String text) {
    String upper = text.toUpperCase(Locale.ROOT);
    String name = upper.startsWith("TASK_") ? upper : "TASK_" + upper;
    for (TaskState s : TaskState.values()) {
      if (s != TaskState.UNRECOGNIZED && s.name().equals(name)) {
        return name;
      }
    }
    throw ApiException.badRequest("unknown task state '" + text + "' (e.g. running, finished, failed, killed, lost)");
  }

  private StateSnapshot snapshot() {
    return await(master.query(v -> StateSnapshot.capture(v, url, clock.instant())));
  }

  /** Agents, frameworks, offers and totals, without the task lists. */
  private StateSnapshot summary() {
    return await(master.query(v -> StateSnapshot.capture(v, url, clock.instant(), false)));
  }

  private static <T> T await(CompletableFuture<T> f) {
    return HttpIo.await(f, QUERY_TIMEOUT_SECONDS, "the master");
  }

  // ---- the UI -----------------------------------------------------------------------------

  private static Response serveUi(String name) throws IOException {
    String type = UI_FILES.get(name);
    if (type == null) {
      throw ApiException.notFound("no such UI file: " + name);
    }
    byte[] body;
    try (InputStream in = MasterHttpServer.class.getResourceAsStream("/io/corral/master/ui/" + name)) {
      if (in == null) {
        throw ApiException.notFound("UI file missing from the build: " + name);
      }
      body = in.readAllBytes();
    }
    // The UI only runs its own scripts; agents' sandbox APIs are other origins it reads from.
    return Response.of(200, type, body)
        .withHeader("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' http: https:")
        .withHeader("Cache-Control", "no-cache");
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private static void expectLength(List<String> seg, int n) {
    if (seg.size() != n) {
      throw ApiException.notFound("no such endpoint: /api/v1/" + String.join("/", seg));
    }
  }

  private static Response result(Request req, OperatorResult r) {
    return switch (r.outcome()) {
      case DONE -> {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("result", "ok");
        body.put("message", r.message());
        LOG.info("operator request {} from {}: {}", req, req.remote(), r.message());
        yield Response.json(200, body);
      }
      case NOT_FOUND -> throw ApiException.notFound(r.message());
      case CONFLICT -> throw new ApiException(409, r.message());
      case INVALID -> throw ApiException.badRequest(r.message());
      case UNAVAILABLE -> throw new ApiException(503, r.message());
    };
  }
}
