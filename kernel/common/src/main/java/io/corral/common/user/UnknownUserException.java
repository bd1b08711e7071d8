package io.corral.common.user;

import java.io.IOException;

/** A process was to run as a user this host has no account of. */
public final class UnknownUserException extends IOException {
  private final String user;

  public UnknownUserException(String user) {
    super("user '" + user + "' does not exist on this agent");
    this.user = user;
  }

  public String user() {
    return user;
  }
}
