package io.corral.common.resources;

/** Resources that cannot be accepted: negative, NaN, malformed ranges, unknown syntax. */
public final class InvalidResourcesException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidResourcesException(String message) {
    super(message);
  }
}
