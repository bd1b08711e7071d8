package io.corral.http;

import java.util.Map;

/** A request the API refuses: its HTTP status and a one-line reason (sent as JSON). */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final Map<String, String> headers;

  public ApiException(int status, String message) {
    this(status, message, Map.of());
  }

  private ApiException(int status, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.headers = headers;
  }

  public int status() {
    return status;
  }

  /** Response headers the refusal needs (e.g. {@code WWW-Authenticate} with a 401). */
  public Map<String, String> headers() {
    return headers;
  }

  /** The same refusal with one more response header. */
  public ApiException withHeader(String name, String value) {
    Map<String, String> h = new java.util.LinkedHashMap<>(headers);
    h.put(name, value);
    return new ApiException(status, getMessage(), Map.copyOf(h));
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, message);
  }
}
