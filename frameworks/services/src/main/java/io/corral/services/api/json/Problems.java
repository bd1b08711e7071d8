package io.corral.services.api.json;

import java.util.ArrayList;
import java.util.List;

/**
 * What reading one request body found wrong or ignored: malformed values (Marathon answers those
 * "Invalid JSON"), broken rules ("Object is not valid"), and the fields it ignored, for one
 * warning line.
 */
final class Problems {
  private final List<Violation> malformed = new ArrayList<>();
  private final List<Violation> invalid = new ArrayList<>();
  private final List<String> ignored = new ArrayList<>();

  void malformed(String path, String error) {
    malformed.add(new Violation(path, error));
  }

  void invalid(String path, String error) {
    invalid.add(new Violation(path, error));
  }

  void ignored(String path) {
    ignored.add(path.startsWith("/") ? path.substring(1) : path);
  }

  boolean hasMalformed() {
    return !malformed.isEmpty();
  }

  List<String> ignored() {
    return List.copyOf(ignored);
  }

  /** Throws the request's refusal if anything is wrong: malformed values first, as Marathon checks them first. */
  void throwIfAny() {
    if (!malformed.isEmpty()) {
      throw new InvalidRequestException(422, InvalidRequestException.INVALID_JSON, malformed);
    }
    if (!invalid.isEmpty()) {
      throw new InvalidRequestException(422, InvalidRequestException.NOT_VALID, invalid);
    }
  }
}
