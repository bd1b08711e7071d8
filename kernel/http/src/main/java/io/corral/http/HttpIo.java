package io.corral.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.corral.http.auth.HttpAuthenticator;
import io.corral.http.auth.HttpSecurity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plumbing the master's and the agent's HTTP APIs share: one JSON mapper (snake_case field
 * names, nulls left out), JSON answers and errors, request limits, path segments.
 */
public final class HttpIo {
  private static final Logger LOG = LoggerFactory.getLogger(HttpIo.class);
  /** Requests carry their parameters in the query; a body bigger than this is refused. */
  public static final int MAX_BODY_BYTES = 64 * 1024;
  public static final int MAX_URI_CHARS = 4096;
  /**
   * Header every state-changing request must carry (any value). A browser sends it to another origin
   * only after a CORS preflight, which these servers never grant: a page on some other site cannot
   * make an operator's browser tear a framework down (cross-site request forgery). The CLI sends it.
   */
  public static final String CSRF_HEADER = "X-Corral-Request";

  public static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  static {
    // The JDK server leaves Nagle's algorithm on: with delayed ACKs every answer on a kept-alive
    // connection then waits ~40 ms (found by ProtocolFuzzIT: 35 ms per request). Read once, when
    // the server's configuration class loads, so it is set before any server starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private HttpIo() {}

  /** Handles one request: its answer, or its {@link ApiException} as a JSON error. */
  public interface Route {
    void handle(HttpExchange ex) throws IOException;
  }

  /**
   * Starts a server on {@code host:port} (0 = any free port) with {@code threads} daemon threads
   * named {@code name-N}, every request going to {@code route} after the URI-length and body checks.
   */
  public static HttpServer start(String host, int port, String name, int threads, Route route) throws IOException {
    return start(host, port, name, threads, route, null);
  }

  /**
   * As {@link #start(String, int, String, int, Route)}; with {@code security}, HTTPS and every
   * request but {@code /health} authenticated before it is routed (the identity is then in
   * {@link HttpAuthenticator#principal}); null = plain HTTP, anonymous.
   */
  public static HttpServer start(String host, int port, String name, int threads, Route route,
      HttpSecurity security) throws IOException {
    InetSocketAddress address = new InetSocketAddress(host, port);
    HttpServer server;
    Route routed = route;
    if (security == null) {
      server = HttpServer.create(address, 128);
    } else {
      HttpsServer https = HttpsServer.create(address, 128);
      https.setHttpsConfigurator(new HttpsConfigurator(security.ssl()) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters p = getSSLContext().getDefaultSSLParameters();
          p.setWantClientAuth(true); // a certificate of the cluster's CA is one way in; basic auth the other
          params.setSSLParameters(p);
        }
      });
      server = https;
      HttpAuthenticator auth = new HttpAuthenticator(security.credentials());
      routed = ex -> {
        if (!"/health".equals(ex.getRequestURI().getRawPath())) {
          auth.authenticate(ex);
        }
        route.handle(ex);
      };
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    server.createContext("/", handler(routed));
    server.start();
    return server;
  }

  /** Stops a server from {@link #start} and its threads. */
  public static void stop(HttpServer server) {
    server.stop(0);
    if (server.getExecutor() instanceof ExecutorService pool) {
      pool.shutdownNow();
    }
  }

  private static HttpHandler handler(Route route) {
    return ex -> {
      try (ex) {
        try {
          checkRequest(ex);
          route.handle(ex);
        } catch (ApiException e) {
          e.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
          sendError(ex, e.status(), e.getMessage());
        } catch (RuntimeException e) {
          LOG.warn("HTTP {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
          sendError(ex, 500, "internal error: " + e);
        }
      } catch (IOException e) {
        LOG.debug("HTTP {} {}: client went away: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
      }
    };
  }

  /** Refuses an overlong URI and reads away a body up to the limit (a bigger one is a 413). */
  private static void checkRequest(HttpExchange ex) throws IOException {
    String rawPath = ex.getRequestURI().getRawPath();
    String rawQuery = ex.getRequestURI().getRawQuery();
    if (rawPath.length() + (rawQuery == null ? 0 : rawQuery.length()) > MAX_URI_CHARS) {
      throw new ApiException(414, "request URI longer than " + MAX_URI_CHARS + " characters");
    }
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > MAX_BODY_BYTES) {
          throw new ApiException(413, "request body larger than " + MAX_BODY_BYTES + " bytes");
        }
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("malformed Content-Length '" + length + "'");
      }
    }
    InputStream in = ex.getRequestBody();
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > MAX_BODY_BYTES) {
        throw new ApiException(413, "request body larger than " + MAX_BODY_BYTES + " bytes");
      }
    }
  }

  /**
   * Waits for a daemon's answer (a read or an action run on its event loop): an {@link ApiException} it
   * failed with goes to the client as is; no answer within {@code timeoutSeconds} is a 503.
   */
  public static <T> T await(java.util.concurrent.CompletableFuture<T> f, long timeoutSeconds, String who) {
    try {
      return f.get(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ApiException(503, who + " did not answer within " + timeoutSeconds + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof ApiException api) {
        throw api;
      }
      if (e.getCause() instanceof IllegalStateException) {
        throw new ApiException(503, who + " cannot answer now: " + e.getCause().getMessage());
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** The URL-decoded, non-empty segments of a raw path. */
  public static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String s : rawPath.split("/")) {
      if (!s.isEmpty()) {
        try {
          out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest("malformed path segment '" + s + "'");
        }
      }
    }
    return out;
  }

  public static void allow(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw new ApiException(405, "method " + method + " not allowed here; use " + allowed);
    }
  }

  /** Refuses a state-changing request that lacks {@link #CSRF_HEADER} (403). */
  public static void requireCsrfHeader(HttpExchange ex) {
    if (ex.getRequestHeaders().getFirst(CSRF_HEADER) == null) {
      throw new ApiException(403, ex.getRequestMethod() + " requests need the header " + CSRF_HEADER
          + " (any value), which browsers do not send across sites; the corral CLI sends it");
    }
  }

  public static void sendError(HttpExchange ex, int status, String message) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("status", status);
    sendJson(ex, status, body);
  }

  public static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
    send(ex, status, "application/json", JSON.writeValueAsBytes(body));
  }

  public static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    if ("HEAD".equals(ex.getRequestMethod())) {
      ex.sendResponseHeaders(status, -1); // a HEAD answer has no body (found by ProtocolFuzzIT)
      return;
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
