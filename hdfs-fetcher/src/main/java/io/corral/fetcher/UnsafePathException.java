package io.corral.fetcher;

import java.io.IOException;

/** A path that would leave the directory it must stay in, or go through a symbolic link. */
final class UnsafePathException extends IOException {
  private static final long serialVersionUID = 1L;

  UnsafePathException(String message) {
    super(message);
  }
}
