package io.corral.master.core;

/** What an operator's action (teardown, drain, undrain, kill, a quota or weight) came to. */
public record OperatorResult(Outcome outcome, String message) {

  /** How the action ended. */
  public enum Outcome {
    /** Done, or under way (a kill, a drain's grace period). */
    DONE,
    /** The framework, agent or task named is not known to the master. */
    NOT_FOUND,
    /** Known, but the action does not apply in its current state. */
    CONFLICT,
    /** The request itself is invalid (a bad role name, a quota that breaks a rule): nothing changed. */
    INVALID,
    /** Done, but a part of it could not be completed (e.g. saved): the message says what to do. */
    UNAVAILABLE
  }

  static OperatorResult done(String message) {
    return new OperatorResult(Outcome.DONE, message);
  }

  static OperatorResult notFound(String message) {
    return new OperatorResult(Outcome.NOT_FOUND, message);
  }

  static OperatorResult invalid(String message) {
    return new OperatorResult(Outcome.INVALID, message);
  }

  static OperatorResult unavailable(String message) {
    return new OperatorResult(Outcome.UNAVAILABLE, message);
  }

  static OperatorResult conflict(String message) {
    return new OperatorResult(Outcome.CONFLICT, message);
  }
}
