package io.corral.frameworks.common.http;

import io.corral.http.Response;
import java.util.Map;

/**
 * How an API answers an error: its status and one line, in the shape its clients know. The kernel
 * answers {@code {"error": ..., "status": ...}}; Marathon and Chronos answer {@code {"message": ...}}.
 */
@FunctionalInterface
public interface ErrorBody {
  /** The kernel's shape ({@link Response#error}). */
  ErrorBody CORRAL = Response::error;

  /** {@code {"message": ...}}, Marathon's and Chronos' shape. */
  ErrorBody MESSAGE = (status, message) -> PeerJson.response(status, Map.of("message", message));

  Response render(int status, String message);
}
