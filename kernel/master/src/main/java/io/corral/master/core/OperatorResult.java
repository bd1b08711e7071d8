package io.corral.master.core;

/** What an operator's action (teardown, drain, undrain, kill) came to. */
public record OperatorResult(Outcome outcome, String message) {

  /** How the action ended. */
  public enum Outcome {
    /** Done, or under way (a kill, a drain's grace period). */
    DONE,
    /** The framework, agent or task named is not known to the master. */
    NOT_FOUND,
    /** Known, but the action does not apply in its current state. */
    CONFLICT
  }

  static OperatorResult done(String message) {
    return new OperatorResult(Outcome.DONE, message);
  }

  static OperatorResult notFound(String message) {
    return new OperatorResult(Outcome.NOT_FOUND, message);
  }

  static OperatorResult conflict(String message) {
    return new OperatorResult(Outcome.CONFLICT, message);
  }
}
