package io.corral.services.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A refusal of the services API as one line for a terminal. */
final class ErrorMessages {
  private static final int MAX_RAW = 200;

  private ErrorMessages() {}

  /**
   * {@code 422 /instances: must be greater than or equal to 0; /cmd: ...} from Marathon's
   * {@code {"message", "details": [{"path", "errors": [...]}]}}, the {@code message} alone when
   * there are no details, or the start of the raw body when it is not that shape.
   */
  static String oneLine(String method, String path, int status, JsonNode body, String raw) {
    String message = body != null && body.hasNonNull("message") ? body.get("message").asText() : null;
    List<String> details = new ArrayList<>();
    if (body != null && body.path("details").isArray()) {
      for (JsonNode d : body.get("details")) {
        List<String> errors = new ArrayList<>();
        d.path("errors").forEach(e -> errors.add(e.asText()));
        String p = d.path("path").asText("");
        details.add((p.isEmpty() ? "" : p + ": ") + String.join(", ", errors));
      }
    }
    String what;
    if (!details.isEmpty()) {
      what = (message == null ? "" : message + ": ") + String.join("; ", details);
    } else if (message != null) {
      what = message;
    } else {
      String text = raw == null ? "" : raw.strip().replaceAll("\\s+", " ");
      what = text.isEmpty() ? "no message" : text.length() > MAX_RAW ? text.substring(0, MAX_RAW) + "..." : text;
    }
    return method + " " + path + ": " + status + " " + what.replaceAll("\\p{Cntrl}", " ");
  }
}
