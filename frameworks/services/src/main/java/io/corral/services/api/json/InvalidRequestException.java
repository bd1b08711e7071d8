package io.corral.services.api.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request body refused, answered in Marathon's shape: {@code {"message": ..., "details": [{"path":
 * ..., "errors": [...]}]}}, one detail per path.
 */
public final class InvalidRequestException extends RuntimeException {
  /** Marathon's message for a body whose values have the wrong type or range. */
  public static final String INVALID_JSON = "Invalid JSON";
  /** Marathon's message for a well-formed definition that breaks a rule. */
  public static final String NOT_VALID = "Object is not valid";

  private final int status;
  private final List<Detail> details;

  public InvalidRequestException(int status, String message, List<Violation> violations) {
    super(message, null, false, false);
    this.status = status;
    this.details = group(violations);
  }

  /** One path and everything wrong there, in the order found. */
  public record Detail(String path, List<String> errors) {
    public Detail {
      errors = List.copyOf(errors);
    }
  }

  public int status() {
    return status;
  }

  public List<Detail> details() {
    return details;
  }

  /** Marathon's body: {@code {"message": ..., "details": [{"path": ..., "errors": [...]}]}}. */
  public ObjectNode toJson() {
    ObjectNode o = MarathonJson.object();
    o.put("message", getMessage());
    ArrayNode array = o.putArray("details");
    for (Detail d : details) {
      ObjectNode detail = array.addObject().put("path", d.path());
      d.errors().forEach(detail.putArray("errors")::add);
    }
    return o;
  }

  private static List<Detail> group(List<Violation> violations) {
    Map<String, List<String>> byPath = new LinkedHashMap<>();
    for (Violation v : violations) {
      List<String> errors = byPath.computeIfAbsent(v.path(), p -> new ArrayList<>());
      if (!errors.contains(v.error())) {
        errors.add(v.error());
      }
    }
    List<Detail> out = new ArrayList<>();
    byPath.forEach((path, errors) -> out.add(new Detail(path, errors)));
    return List.copyOf(out);
  }
}
