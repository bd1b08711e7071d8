package io.corral.master.http;

import com.sun.net.httpserver.HttpExchange;
import io.corral.http.ApiException;
import io.corral.http.auth.DaemonSecurity;
import io.corral.http.auth.HttpAuthenticator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Reads of agents' sandboxes through the master ({@code /api/v1/agents/<id>/proxy/api/v1/files/...}),
 * so the web UI reads them from its own origin: browsers send a page's credentials only there.
 * On a secured cluster the master calls the agent with its own certificate and names the user it
 * calls for in {@link HttpAuthenticator#ON_BEHALF_OF}; the agent checks that user's {@code read_sandboxes} rights
 * itself (and believes the header only from the master's certificate).
 */
final class SandboxProxy {
  private static final Set<String> PATHS = Set.of("api/v1/sandbox", "api/v1/files/browse", "api/v1/files/read",
      "api/v1/files/download", "api/v1/files/view");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client;

  SandboxProxy(DaemonSecurity security) throws IOException {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (security != null) {
      b.sslContext(security.tls().sslContext());
    }
    this.client = b.build();
  }

  /** Forwards a GET of {@code rest} (one of the agent's sandbox paths) to the agent at {@code agentUrl}. */
  void forward(HttpExchange ex, String agentUrl, List<String> rest, String rawQuery) throws IOException {
    String path = String.join("/", rest);
    if (!PATHS.contains(path)) {
      throw ApiException.notFound("the master forwards only an agent's sandbox reads (" + String.join(", ", PATHS)
          + "), not " + path);
    }
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(agentUrl + path + (rawQuery == null ? "" : "?" + rawQuery)))
        .timeout(TIMEOUT).GET();
    String principal = HttpAuthenticator.principal(ex);
    if (principal != null) {
      req.header(HttpAuthenticator.ON_BEHALF_OF, principal);
    }
    HttpResponse<InputStream> r;
    try {
      r = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new ApiException(502, "cannot reach the agent at " + agentUrl + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted");
    }
    for (String h : List.of("Content-Type", "Content-Disposition", "Content-Security-Policy", "X-Content-Type-Options")) {
      r.headers().firstValue(h).ifPresent(v -> ex.getResponseHeaders().set(h, v));
    }
    long length = r.headers().firstValueAsLong("Content-Length").orElse(0);
    try (InputStream in = r.body()) {
      ex.sendResponseHeaders(r.statusCode(), length == 0 ? -1 : length);
      if (length != 0) {
        try (OutputStream out = ex.getResponseBody()) {
          in.transferTo(out);
        }
      }
    }
  }
}
