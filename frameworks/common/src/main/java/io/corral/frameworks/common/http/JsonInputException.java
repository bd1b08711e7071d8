package io.corral.frameworks.common.http;

/**
 * A request body that is no JSON ({@link #malformed}) or whose fields do not fit what the API takes:
 * where ({@link #path}, a JSON pointer such as {@code /healthChecks/0/portIndex}, empty for the whole
 * body) and why. A {@link Router} answers it 400 unless the framework maps it to its own shape.
 */
public final class JsonInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String path;
  private final String reason;
  private final boolean malformed;

  public JsonInputException(String path, String reason, boolean malformed) {
    super((malformed ? "invalid JSON" : "invalid value") + (path.isEmpty() ? "" : " at " + path) + ": "
        + firstLine(reason), null, false, false);
    this.path = path;
    this.reason = firstLine(reason);
    this.malformed = malformed;
  }

  private static String firstLine(String s) {
    String text = String.valueOf(s);
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  public String path() {
    return path;
  }

  public String reason() {
    return reason;
  }

  /** Whether the body is no JSON at all (else: JSON with a value of the wrong kind). */
  public boolean malformed() {
    return malformed;
  }
}
