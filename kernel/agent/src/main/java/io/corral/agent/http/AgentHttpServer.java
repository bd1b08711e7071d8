package io.corral.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.corral.agent.exec.Sandboxes;
import io.corral.common.security.Identity;
import io.corral.http.ApiException;
import io.corral.http.auth.Acls;
import io.corral.http.auth.Authorizer;
import io.corral.http.auth.DaemonSecurity;
import io.corral.http.auth.HttpAuthenticator;
import io.corral.http.HttpIo;
import io.corral.http.Query;
import java.io.IOException;
import java.io.OutputStream;
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
    this.server = HttpIo.start(bindHost, port, "corral-agent-http", 4, this::route,
        security == null ? null : security.http());
  }

  /** Who a request is for: its caller, or the user the master forwards it for (believed only from the master). */
  private static String principal(HttpExchange ex) {
    String onBehalf = ex.getRequestHeaders().getFirst(HttpAuthenticator.ON_BEHALF_OF);
    Identity id = HttpAuthenticator.identity(ex).orElse(null);
    if (onBehalf != null && id != null && id.method() == Identity.Method.CERTIFICATE
        && id.principal().equals(HttpAuthenticator.MASTER_PRINCIPAL)) {
      return onBehalf;
    }
    return id == null ? null : id.principal();
  }

  private void authorize(HttpExchange ex, Acls.Action action, String object) {
    authorizer.require(ex, principal(ex), action, object);
  }

  /** Reading a sandbox file: allowed to whom the ACLs let read the sandboxes of its framework's principal. */
  private void authorizeRead(HttpExchange ex, String frameworkDir) {
    if (authorizer.enabled()) {
      authorize(ex, Acls.Action.READ_SANDBOX, frameworkDir.isEmpty() ? "" : Sandboxes.owner(workDir, frameworkDir));
    }
  }

  /** Serves {@code /metrics} from now on. */
  public void metrics(AgentPrometheus p) {
    prometheus = p;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    HttpIo.stop(server);
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

  private void route(HttpExchange ex) throws IOException {
    if (!authorizer.enabled()) {
      // Open data: the master's web UI reads sandboxes from the agents. With security on, browsers
      // would not send credentials to "*", so no cross-origin reads are granted.
      ex.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
    }
    String method = ex.getRequestMethod();
    String rawQuery = ex.getRequestURI().getRawQuery();
    List<String> seg = HttpIo.segments(ex.getRequestURI().getRawPath());
    String path = String.join("/", seg);
    switch (path) {
      case "health" -> {
        HttpIo.allow(method, "GET");
        Query.parse(rawQuery, Set.of());
        HttpIo.sendJson(ex, 200, Map.of("status", "ok"));
      }
      case "metrics" -> {
        HttpIo.allow(method, "GET");
        Query.parse(rawQuery, Set.of());
        authorize(ex, Acls.Action.VIEW_STATE, null);
        AgentPrometheus p = prometheus;
        if (p == null) {
          throw new ApiException(503, "the agent is starting");
        }
        HttpIo.send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
            p.scrape(withUsage(await(state.get()))).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      case "api/v1/state" -> {
        HttpIo.allow(method, "GET");
        Query.parse(rawQuery, Set.of());
        authorize(ex, Acls.Action.VIEW_STATE, null);
        HttpIo.sendJson(ex, 200, withUsage(await(state.get())));
      }
      case "api/v1/executors" -> {
        HttpIo.allow(method, "GET");
        Query.parse(rawQuery, Set.of());
        authorize(ex, Acls.Action.VIEW_STATE, null);
        HttpIo.sendJson(ex, 200, withUsage(await(state.get())).executors());
      }
      case "api/v1/sandbox" -> {
        HttpIo.allow(method, "GET");
        Query q = Query.parse(rawQuery, Set.of("framework", "task", "executor"));
        String fw = required(q, "framework");
        String task = required(q, "task");
        authorizeRead(ex, io.corral.common.task.PathNames.of(fw));
        HttpIo.sendJson(ex, 200, files.sandboxOf(fw, task, q.get("executor"))
            .orElseThrow(() -> ApiException.notFound("no sandbox of task " + fw + "/" + task + " on this agent")));
      }
      case "api/v1/files/browse" -> {
        HttpIo.allow(method, "GET");
        Query q = Query.parse(rawQuery, Set.of("path"));
        authorizeRead(ex, files.frameworkDirOf(required(q, "path")));
        HttpIo.sendJson(ex, 200, files.browse(required(q, "path")));
      }
      case "api/v1/files/read" -> {
        HttpIo.allow(method, "GET");
        Query q = Query.parse(rawQuery, Set.of("path", "offset", "length"));
        long offset = q.longValue("offset", 0, -1, Long.MAX_VALUE);
        int length = q.intValue("length", SandboxFiles.DEFAULT_READ, 0, SandboxFiles.MAX_READ);
        authorizeRead(ex, files.frameworkDirOf(required(q, "path")));
        HttpIo.sendJson(ex, 200, files.read(required(q, "path"), offset, length));
      }
      case "api/v1/files/download" -> {
        HttpIo.allow(method, "GET");
        Query q = Query.parse(rawQuery, Set.of("path"));
        authorizeRead(ex, files.frameworkDirOf(required(q, "path")));
        download(ex, files.open(required(q, "path")), true);
      }
      case "api/v1/files/view" -> {
        // A log shown in the browser (the Spark UI's executor log links): plain text, never rendered
        HttpIo.allow(method, "GET");
        Query q = Query.parse(rawQuery, Set.of("path"));
        authorizeRead(ex, files.frameworkDirOf(required(q, "path")));
        download(ex, files.open(required(q, "path")), false);
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

  private static void download(HttpExchange ex, SandboxFiles.Opened opened, boolean attachment) throws IOException {
    try (opened) {
      java.nio.channels.SeekableByteChannel in = opened.channel();
      long size = in.size();
      ex.getResponseHeaders().set("Content-Type", attachment ? "application/octet-stream" : "text/plain; charset=utf-8");
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'");
      ex.getResponseHeaders().set("Content-Disposition", (attachment ? "attachment" : "inline") + "; filename=\""
          + opened.path().getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
      // The file may grow while it is sent (a log): send the size it had, no more.
      ex.sendResponseHeaders(200, size == 0 ? -1 : size);
      if (size > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(65536);
          long left = size;
          while (left > 0) {
            buf.clear().limit((int) Math.min(buf.capacity(), left));
            int n = in.read(buf);
            if (n <= 0) {
              break;
            }
            out.write(buf.array(), 0, n);
            left -= n;
          }
        }
      }
    }
  }

  private static <T> T await(CompletableFuture<T> f) {
    return HttpIo.await(f, QUERY_TIMEOUT_SECONDS, "the agent");
  }
}
