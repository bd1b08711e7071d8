package io.corral.agent.http;

import io.corral.agent.exec.Sandboxes;
import io.corral.common.security.Identity;
import io.corral.http.ApiException;
import io.corral.http.auth.Acls;
import io.corral.http.auth.Authorizer;
import io.corral.http.auth.DaemonSecurity;
import io.corral.http.auth.HttpAuthenticator;
import io.corral.http.HttpIo;
import io.corral.http.HttpLimits;
import io.corral.http.Query;
import io.corral.http.Request;
import io.corral.http.Route;
import io.corral.http.Response;
import io.corral.http.server.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The agent's HTTP side: {@code /health}, its state with each executor's resource usage, and the
 * sandboxes (list, read a piece with offset and length, download; see {@link SandboxFiles} for
 * what is refused). Answers carry {@code Access-Control-Allow-Origin: *} so that the master's web
 * UI, another origin, can show files and tail logs; the API only reads.
 */
public final class AgentHttpServer implements AutoCloseable {
  private static final long QUERY_TIMEOUT_SECONDS = 30;

  private final Supplier<CompletableFuture<AgentStateJson>> state;
  private final SandboxFiles files;
  private final HttpServer server;
  private final Path workDir;
  private final Authorizer authorizer;
  private volatile AgentPrometheus prometheus;

  public AgentHttpServer(String bindHost, int port, Path workDir, Supplier<CompletableFuture<AgentStateJson>> state)
      throws IOException {
    this(bindHost, port, workDir, state, null);
  }

  /** @param security HTTPS, authentication and ACLs (null = plain HTTP, anyone may read anything) */
  public AgentHttpServer(String bindHost, int port, Path workDir, Supplier<CompletableFuture<AgentStateJson>> state,
      DaemonSecurity security) throws IOException {
    this.state = state;
    this.workDir = workDir;
    this.files = new SandboxFiles(workDir);
    this.authorizer = DaemonSecurity.authorizer(security);
    Route route = security == null ? this::openToAnyOrigin : this::route;
    this.server = HttpServer.start(bindHost, port, "corral-agent-http", HttpLimits.DEFAULTS, route,
        security == null ? null : security.http());
  }

  /** Who a request is for: its caller, or the user the master forwards it for (believed only from the master). */
  private static String principal(Request req) {
    String onBehalf = req.header(HttpAuthenticator.ON_BEHALF_OF);
    Identity id = req.identity();
    if (onBehalf != null && id != null && id.method() == Identity.Method.CERTIFICATE
        && id.principal().equals(HttpAuthenticator.MASTER_PRINCIPAL)) {
      return onBehalf;
    }
    return id == null ? null : id.principal();
  }

  private void authorize(Request req, Acls.Action action, String object) {
    authorizer.require(req, principal(req), action, object);
  }

  /** Reading a sandbox file: allowed to whom the ACLs let read the sandboxes of its framework's principal. */
  private void authorizeRead(Request req, String frameworkDir) {
    if (authorizer.enabled()) {
      authorize(req, Acls.Action.READ_SANDBOX, frameworkDir.isEmpty() ? "" : Sandboxes.owner(workDir, frameworkDir));
    }
  }

  /**
   * Reading a path: authorised first against the framework its first part names, so that whoever
   * may not read there learns nothing of what is there (not even whether the file exists), then
   * against the framework whose sandbox it leads to (a link may lead into another's).
   */
  private void authorizeReadPath(Request req, String rel) {
    if (authorizer.enabled()) {
      authorizeRead(req, files.frameworkDirNamed(rel));
      authorizeRead(req, files.frameworkDirOf(rel));
    }
  }

  /** Serves {@code /metrics} from now on. */
  public void metrics(AgentPrometheus p) {
    prometheus = p;
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
  }

  /** The agent and what runs on it. */
  public record AgentStateJson(String id, String hostname, int port, int httpPort, String master, String version,
      Map<String, Object> resources, Map<String, Object> attributes, List<ExecutorJson> executors) {}

  /**
   * One executor run; {@code usage} is filled in off the agent's loop. {@code overhead}: what the
   * command executor itself gets on top of its tasks' resources (null for custom executors).
   */
  public record ExecutorJson(String frameworkId, String executorId, String containerId, String name, String state,
      Long pid, String sandbox, Map<String, Object> resources, Map<String, Object> overhead, List<String> tasks,
      List<String> cgroups, ExecutorUsage usage, Sources sources) {

    ExecutorJson withUsage() {
      return new ExecutorJson(frameworkId, executorId, containerId, name, state, pid, sandbox, resources, overhead,
          tasks, cgroups, sources == null ? null
              : ExecutorUsage.of(sources.cgroups(), sources.scanned(), sources.diskUsed(), sources.limits()), null);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    @Override
    public Sources sources() {
      return sources;
    }
  }

  /** Where an executor's usage is read from (taken on the agent's loop; the reads happen off it). */
  public record Sources(io.corral.agent.isolation.ContainerCgroups cgroups,
      io.corral.agent.isolation.ProcessTreeUsage scanned, long diskUsed,
      io.corral.agent.isolation.ContainerLimits limits) {}

  /**
   * Open data: the master's web UI reads sandboxes from the agents, so every answer (errors too)
   * allows any origin. With security on, browsers would not send credentials to "*", so no
   * cross-origin reads are granted.
   */
  private Response openToAnyOrigin(Request req) throws IOException {
    Response r;
    try {
      r = route(req);
    } catch (ApiException e) {
      r = Response.of(e);
    }
    return r.withHeader("Access-Control-Allow-Origin", "*");
  }

  private Response route(Request req) throws IOException {
    String method = req.method();
    String rawQuery = req.rawQuery();
    List<String> seg = HttpIo.segments(req.rawPath());
    String path = String.join("/", seg);
    switch (path) {
      case "health" -> {
        HttpIo.allow(method, "GET");
        Query.parse(rawQuery, Set.of());
        return Response.json(200, Map.of("status", "ok"));
      }
      case "metrics" -> {
        HttpIo.allow(method, "GET");
        Query.parse(rawQuery, Set.of());
        authorize(req, Acls.Action.VIEW_STATE, null);
        AgentPrometheus p = prometheus;
        if (p == null) {
          throw new ApiException(503, "the agent is starting");
        }
        return Response.of(200, "text/plain; version=0.0.4; charset=utf-8",
            p.scrape(withUsage(await(state.get()))).getBytes(StandardCharsets.UTF_8));
      }
      case "api/v1/state" -> {
        HttpIo.allow(method, "GET");
        Query.parse(rawQuery, Set.of());
        authorize(req, Acls.Action.VIEW_STATE, null);
        return Response.json(200, withUsage(await(state.get())));
      }
      case "api/v1/executors" -> {
        HttpIo.allow(method, "GET");
        Query.parse(rawQuery, Set.of());
        authorize(req, Acls.Action.VIEW_STATE, null);
        return Response.json(200, withUsage(await(state.get())).executors());
      }
      case "api/v1/sandbox" -> {
        HttpIo.allow(method, "GET");
        Query q = Query.parse(rawQuery, Set.of("framework", "task", "executor"));
        String fw = required(q, "framework");
        String task = required(q, "task");
        authorizeRead(req, io.corral.common.task.PathNames.of(fw));
        return Response.json(200, files.sandboxOf(fw, task, q.get("executor"))
            .orElseThrow(() -> ApiException.notFound("no sandbox of task " + fw + "/" + task + " on this agent")));
      }
      case "api/v1/files/browse" -> {
        HttpIo.allow(method, "GET");
        Query q = Query.parse(rawQuery, Set.of("path"));
        authorizeReadPath(req, required(q, "path"));
        return Response.json(200, files.browse(required(q, "path")));
      }
      case "api/v1/files/read" -> {
        HttpIo.allow(method, "GET");
        Query q = Query.parse(rawQuery, Set.of("path", "offset", "length"));
        long offset = q.longValue("offset", 0, -1, Long.MAX_VALUE);
        int length = q.intValue("length", SandboxFiles.DEFAULT_READ, 0, SandboxFiles.MAX_READ);
        authorizeReadPath(req, required(q, "path"));
        return Response.json(200, files.read(required(q, "path"), offset, length));
      }
      case "api/v1/files/download" -> {
        HttpIo.allow(method, "GET");
        Query q = Query.parse(rawQuery, Set.of("path"));
        authorizeReadPath(req, required(q, "path"));
        return download(files.open(required(q, "path")), true);
      }
      case "api/v1/files/view" -> {
        // A log shown in the browser (the Spark UI's executor log links): plain text, never rendered
        HttpIo.allow(method, "GET");
        Query q = Query.parse(rawQuery, Set.of("path"));
        authorizeReadPath(req, required(q, "path"));
        return download(files.open(required(q, "path")), false);
      }
      default -> throw ApiException.notFound("no such endpoint: /" + path
          + " (try /api/v1/state, /api/v1/files/browse?path=...)");
    }
  }

  private static String required(Query q, String name) {
    String v = q.get(name);
    if (v == null) {
      throw ApiException.badRequest("the " + name + " parameter is required");
    }
    return v;
  }

  private static AgentStateJson withUsage(AgentStateJson s) {
    List<ExecutorJson> executors = new ArrayList<>();
    for (ExecutorJson e : s.executors()) {
      executors.add(e.withUsage());
    }
    return new AgentStateJson(s.id(), s.hostname(), s.port(), s.httpPort(), s.master(), s.version(), s.resources(),
        s.attributes(), executors);
  }

  /**
   * A file's bytes, streamed as the client reads them. The file may grow while it is sent (a log):
   * the answer has the size it had when opened, no more.
   */
  private static Response download(SandboxFiles.Opened opened, boolean attachment) throws IOException {
    long size;
    try {
      size = opened.channel().size();
    } catch (IOException e) {
      opened.close();
      throw e;
    }
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put("Content-Type", attachment ? "application/octet-stream" : "text/plain; charset=utf-8");
    headers.put("Content-Security-Policy", "default-src 'none'");
    headers.put("Content-Disposition", (attachment ? "attachment" : "inline") + "; filename=\""
        + opened.path().getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
    return new Response(200, headers, new Response.FileBody(opened.channel(), size));
  }

  private static <T> T await(CompletableFuture<T> f) {
    return HttpIo.await(f, QUERY_TIMEOUT_SECONDS, "the agent");
  }
}
