package io.corral.services.api.json;

/** A body that is not JSON at all: Marathon's 400 {@code {"message": "Invalid JSON", "details": "<parser's words>"}}. */
public final class MalformedJsonException extends RuntimeException {
  private final String details;

  public MalformedJsonException(String details) {
    super(InvalidRequestException.INVALID_JSON, null, false, false);
    this.details = details;
  }

  public String details() {
    return details;
  }
}
