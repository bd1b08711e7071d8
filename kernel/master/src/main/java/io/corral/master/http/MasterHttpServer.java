package io.corral.master.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.corral.http.ApiException;
import io.corral.http.HttpIo;
import io.corral.http.Query;
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
import io.corral.http.auth.HttpAuthenticator;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's HTTP side: the JSON API under {@code /api/v1/}, {@code /health}, {@code /metrics}
 * (Prometheus text) and the web UI at {@code /}. A standby answers {@code /health} and
 * {@code /metrics} itself and redirects everything else to the leader.
 *
 * <p>Reads are captured on the master's loop ({@link StateSnapshot#capture}) and serialised on
 * the server's own threads, so a large state never holds the loop for longer than the copy.
 */
public final class MasterHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MasterHttpServer.class);
  private static final long QUERY_TIMEOUT_SECONDS = 30;
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
    this(bindHost, port, advertiseHost, master, prometheus, clock, null);
  }

  /** @param security HTTPS, authentication and ACLs (null = plain HTTP, anyone may do anything) */
  public MasterHttpServer(String bindHost, int port, String advertiseHost, MasterBackend master,
      MasterPrometheus prometheus, Clock clock, DaemonSecurity security) throws IOException {
    this.master = master;
    this.prometheus = prometheus;
    this.clock = clock;
    this.authorizer = DaemonSecurity.authorizer(security);
    this.proxy = new SandboxProxy(security);
    this.server = HttpIo.start(bindHost, port, "corral-master-http", 4, this::route,
        security == null ? null : security.http());
    this.url = (security == null ? "http://" : "https://") + advertiseHost + ":" + server.getAddress().getPort() + "/";
  }

  private void authorize(HttpExchange ex, Acls.Action action, String object) {
    authorizer.require(ex, HttpAuthenticator.principal(ex), action, object);
  }

  /** Checks an action on a framework's things against the framework's principal (unknown: let the action 404). */
  private void authorizeOnFramework(HttpExchange ex, Acls.Action action, String frameworkId) {
    if (!authorizer.enabled()) {
      return;
    }
    Optional<String> owner = await(master.query(v -> Optional.ofNullable(v.frameworkEntry(frameworkId))
        .map(f -> f.info().getPrincipal())));
    if (owner.isPresent()) {
      authorize(ex, action, owner.get());
    }
  }

  /** Where this server is reached, {@code http://host:port/}. */
  public String url() {
    return url;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    HttpIo.stop(server);
  }

  // ---- dispatch ---------------------------------------------------------------------------

  private void route(HttpExchange ex) throws IOException {
    String rawPath = ex.getRequestURI().getRawPath();
    String rawQuery = ex.getRequestURI().getRawQuery();
    String method = ex.getRequestMethod();
    if (rawPath.equals("/health")) {
      HttpIo.allow(method, "GET");
      Query.parse(rawQuery, Set.of());
      HttpIo.sendJson(ex, 200, health());
      return;
    }
    if (rawPath.equals("/metrics")) {
      HttpIo.allow(method, "GET");
      authorize(ex, Acls.Action.VIEW_STATE, null);
      Query.parse(rawQuery, Set.of());
      MasterPrometheus.ClusterGauges gauges = master.leading()
          ? MasterPrometheus.ClusterGauges.of(summary())
          : MasterPrometheus.ClusterGauges.NONE;
      HttpIo.send(ex, 200, prometheus.contentType(), prometheus.scrape(gauges).getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (!master.leading()) {
      redirectToLeader(ex, rawPath, rawQuery);
      return;
    }
    if (rawPath.equals("/") || rawPath.startsWith("/ui/")) {
      HttpIo.allow(method, "GET");
      serveUi(ex, rawPath.equals("/") ? "index.html" : rawPath.substring("/ui/".length()));
      return;
    }
    if (rawPath.startsWith("/api/v1/") || rawPath.equals("/api/v1")) {
      api(ex, method, HttpIo.segments(rawPath.substring("/api/v1".length())), rawQuery);
      return;
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

  private void redirectToLeader(HttpExchange ex, String rawPath, String rawQuery) throws IOException {
    Optional<String> leader = master.leaderHttpUrl();
    if (leader.isEmpty()) {
      throw new ApiException(503, "this master is a standby (" + master.phase() + ") and no leader is known yet");
    }
    String base = leader.get().endsWith("/") ? leader.get().substring(0, leader.get().length() - 1) : leader.get();
    String location = base + rawPath + (rawQuery == null ? "" : "?" + rawQuery);
    ex.getResponseHeaders().set("Location", location);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "this master is a standby; the leader serves " + location);
    body.put("leader_http_url", leader.get());
    HttpIo.sendJson(ex, 307, body);
  }

  // ---- the API ----------------------------------------------------------------------------

  private void api(HttpExchange ex, String method, List<String> seg, String rawQuery) throws IOException {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      HttpIo.requireCsrfHeader(ex);
    }
    if (seg.isEmpty()) {
      throw ApiException.notFound("no such endpoint: /api/v1/ (try /api/v1/state)");
    }
    if (method.equals("GET") || method.equals("HEAD")) {
      authorize(ex, Acls.Action.VIEW_STATE, null);
    }
    String head = seg.get(0);
    switch (head) {
      case "state" -> {
        expectLength(seg, 1);
        HttpIo.allow(method, "GET");
        Query q = Query.parse(rawQuery, Set.of("tasks"));
        // tasks=false leaves out the task lists: what a page that shows no task needs, at a fraction of the size
        HttpIo.sendJson(ex, 200, q.boolValue("tasks", true) ? snapshot() : summary());
      }
      case "agents" -> agents(ex, method, seg, rawQuery);
      case "frameworks" -> frameworks(ex, method, seg, rawQuery);
      case "tasks" -> tasks(ex, method, seg, rawQuery);
      case "offers" -> {
        expectLength(seg, 1);
        HttpIo.allow(method, "GET");
        Query.parse(rawQuery, Set.of());
        HttpIo.sendJson(ex, 200, summary().offers());
      }
      default -> throw ApiException.notFound("no such endpoint: /api/v1/" + String.join("/", seg));
    }
  }

  private void agents(HttpExchange ex, String method, List<String> seg, String rawQuery) throws IOException {
    if (seg.size() <= 2) {
      listOrOne(ex, method, seg, rawQuery, summary().agents(), StateSnapshot.AgentJson::id, "agent");
      return;
    }
    String id = seg.get(1);
    if (seg.get(2).equals("proxy")) {
      HttpIo.allow(method, "GET");
      String agentUrl = summary().agents().stream().filter(a -> a.id().equals(id)).findFirst()
          .orElseThrow(() -> ApiException.notFound("no agent " + id)).httpUrl();
      if (agentUrl == null) {
        throw ApiException.notFound("agent " + id + " serves no HTTP API");
      }
      proxy.forward(ex, agentUrl, seg.subList(3, seg.size()), rawQuery);
      return;
    }
    expectLength(seg, 3);
    switch (seg.get(2)) {
      case "drain" -> {
        HttpIo.allow(method, "POST");
        authorize(ex, Acls.Action.DRAIN_AGENT, null);
        Query q = Query.parse(rawQuery, Set.of("grace"));
        sendResult(ex, await(master.drainAgent(id, q.duration("grace"))));
      }
      case "undrain" -> {
        HttpIo.allow(method, "POST");
        authorize(ex, Acls.Action.DRAIN_AGENT, null);
        Query.parse(rawQuery, Set.of());
        sendResult(ex, await(master.undrainAgent(id)));
      }
      default -> throw ApiException.notFound("no such endpoint: /api/v1/" + String.join("/", seg));
    }
  }

  private void frameworks(HttpExchange ex, String method, List<String> seg, String rawQuery) throws IOException {
    if (seg.size() <= 2) {
      listOrOne(ex, method, seg, rawQuery, summary().frameworks(), StateSnapshot.FrameworkJson::id, "framework");
      return;
    }
    expectLength(seg, 3);
    if (!seg.get(2).equals("teardown")) {
      throw ApiException.notFound("no such endpoint: /api/v1/" + String.join("/", seg));
    }
    HttpIo.allow(method, "POST");
    Query.parse(rawQuery, Set.of());
    authorizeOnFramework(ex, Acls.Action.TEARDOWN_FRAMEWORK, seg.get(1));
    sendResult(ex, await(master.teardownFramework(seg.get(1))));
  }

  /** {@code GET /api/v1/<things>} (all of them) or {@code GET /api/v1/<things>/<id>} (one, or 404). */
  private static <T> void listOrOne(HttpExchange ex, String method, List<String> seg, String rawQuery, List<T> all,
      java.util.function.Function<T, String> id, String what) throws IOException {
    HttpIo.allow(method, "GET");
    Query.parse(rawQuery, Set.of());
    if (seg.size() == 1) {
      HttpIo.sendJson(ex, 200, all);
      return;
    }
    String wanted = seg.get(1);
    HttpIo.sendJson(ex, 200, all.stream().filter(x -> id.apply(x).equals(wanted)).findFirst()
        .orElseThrow(() -> ApiException.notFound("no " + what + " " + wanted)));
  }

  private void tasks(HttpExchange ex, String method, List<String> seg, String rawQuery) throws IOException {
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
      HttpIo.sendJson(ex, 200, out.size() > limit ? out.subList(0, limit) : out);
      return;
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
        HttpIo.sendJson(ex, 409, body);
        return;
      }
      HttpIo.sendJson(ex, 200, found.get(0));
      return;
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
      HttpIo.sendJson(ex, 200, found.get(0));
      return;
    }
    expectLength(seg, 4);
    if (!seg.get(3).equals("kill")) {
      throw ApiException.notFound("no such endpoint: /api/v1/" + String.join("/", seg));
    }
    HttpIo.allow(method, "POST");
    Query.parse(rawQuery, Set.of());
    authorizeOnFramework(ex, Acls.Action.KILL_TASK, fw);
    sendResult(ex, await(master.killTask(fw, id)));
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

  private void serveUi(HttpExchange ex, String name) throws IOException {
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
    ex.getResponseHeaders().set("Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' http: https:");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    HttpIo.send(ex, 200, type, body);
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private static void expectLength(List<String> seg, int n) {
    if (seg.size() != n) {
      throw ApiException.notFound("no such endpoint: /api/v1/" + String.join("/", seg));
    }
  }

  private void sendResult(HttpExchange ex, OperatorResult r) throws IOException {
    switch (r.outcome()) {
      case DONE -> {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("result", "ok");
        body.put("message", r.message());
        LOG.info("operator request {} {} from {}: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(),
            ex.getRemoteAddress(), r.message());
        HttpIo.sendJson(ex, 200, body);
      }
      case NOT_FOUND -> throw ApiException.notFound(r.message());
      case CONFLICT -> throw new ApiException(409, r.message());
    }
  }

}
