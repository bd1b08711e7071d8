package io.corral.services.api.json;

/**
 * One thing wrong with a request body.
 *
 * @param path where, as Marathon writes it ({@code /instances}, {@code /healthChecks(0)/portIndex},
 *     {@code /} for the whole app)
 * @param error what: Marathon's key for malformed values ({@code error.min},
 *     {@code error.expected.jsnumber}) or its sentence for invalid ones
 */
public record Violation(String path, String error) {
  public Violation {
    path = path.isEmpty() ? "/" : path;
  }
}
