package io.corral.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the master's and the agent's HTTP APIs share: one JSON mapper (snake_case field names,
 * nulls left out), request limits, path segments, method and CSRF checks.
 */
public final class HttpIo {
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

  private HttpIo() {}

  /**
   * Waits for a daemon's answer (a read or an action run on its event loop): an {@link ApiException} it
   * failed with goes to the client as is; no answer within {@code timeoutSeconds} is a 503.
   */
  public static <T> T await(CompletableFuture<T> f, long timeoutSeconds, String who) {
    try {
      return f.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new ApiException(503, who + " did not answer within " + timeoutSeconds + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted");
    } catch (ExecutionException e) {
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

  /**
   * Refuses any method but {@code allowed} with a 405 that names the methods allowed in its
   * {@code Allow} header; {@code HEAD} is allowed wherever {@code GET} is (answered without a body).
   */
  public static void allow(String method, String allowed) {
    boolean get = allowed.equals("GET");
    if (!method.equals(allowed) && !(get && method.equals("HEAD"))) {
      String methods = get ? "GET, HEAD" : allowed;
      throw new ApiException(405, "method " + method + " not allowed here; use " + allowed)
          .withHeader("Allow", methods);
    }
  }

  /** Refuses a state-changing request that lacks {@link #CSRF_HEADER} (403). */
  public static void requireCsrfHeader(Request request) {
    if (request.header(CSRF_HEADER) == null) {
      throw new ApiException(403, request.method() + " requests need the header " + CSRF_HEADER
          + " (any value), which browsers do not send across sites; the corral CLI sends it");
    }
  }
}
