package io.corral.agent.isolation;

/** An isolator that was asked for cannot work on this host; the agent does not start. */
public final class IsolationException extends java.io.IOException {
  public IsolationException(String message) {
    super(message);
  }
}
