package io.corral.executor.health;

/** What one check found: whether it passed, and a message saying what it saw. */
public record CheckResult(boolean passed, String message) {
  public static CheckResult passed(String message) {
    return new CheckResult(true, message);
  }

  public static CheckResult failed(String message) {
    return new CheckResult(false, message);
  }
}
