package io.corral.common.secret;

import java.io.IOException;

/** A secret could not be read; the message says which and why, never its value. */
public final class SecretException extends IOException {
  public SecretException(String message) {
    super(message);
  }

  public SecretException(String message, Throwable cause) {
    super(message, cause);
  }
}
