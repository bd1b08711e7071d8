package io.corral.master.http;

import io.corral.http.ApiException;
import io.corral.http.Request;
import io.corral.http.Response;
import io.corral.http.auth.DaemonSecurity;
import io.corral.http.auth.HttpAuthenticator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Flow;

/**
 * Reads of agents' sandboxes through the master ({@code /api/v1/agents/<id>/proxy/api/v1/files/...}),
 * so the web UI reads them from its own origin: browsers send a page's credentials only there.
 * On a secured cluster the master calls the agent with its own certificate and names the user it
 * calls for in {@link HttpAuthenticator#ON_BEHALF_OF}; the agent checks that user's {@code read_sandboxes} rights
 * itself (and believes the header only from the master's certificate).
 *
 * <p>The agent's answer is passed on as the client reads it (a piece requested from the agent only
 * once the last was written), so a large download through the master holds no worker and no more
 * than a piece of memory; a client that stops reading is cut off and the agent's answer cancelled.
 */
final class SandboxProxy {
  private static final Set<String> PATHS = Set.of("api/v1/sandbox", "api/v1/files/browse", "api/v1/files/read",
      "api/v1/files/download", "api/v1/files/view");
  private static final List<String> HEADERS = List.of("Content-Type", "Content-Disposition", "Content-Security-Policy",
      "Allow");
  /** Longest wait for the agent's answer to begin. */
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
  Response forward(Request request, String agentUrl, List<String> rest, String rawQuery) {
    String path = String.join("/", rest);
    if (!PATHS.contains(path)) {
      throw ApiException.notFound("the master forwards only an agent's sandbox reads (" + String.join(", ", PATHS)
          + "), not " + path);
    }
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(agentUrl + path + (rawQuery == null ? "" : "?" + rawQuery)))
        .timeout(TIMEOUT).GET();
    String principal = request.principal();
    if (principal != null) {
      req.header(HttpAuthenticator.ON_BEHALF_OF, principal);
    }
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> r;
    try {
      r = client.send(req.build(), HttpResponse.BodyHandlers.ofPublisher());
    } catch (IOException e) {
      throw new ApiException(502, "cannot reach the agent at " + agentUrl + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h : HEADERS) {
      r.headers().firstValue(h).ifPresent(v -> headers.put(h, v));
    }
    long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
    return new Response(r.statusCode(), headers, new Response.Streamed(r.body(), length));
  }
}
