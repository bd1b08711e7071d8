package io.corral.agent;

/**
 * The agent cannot recover the checkpoint in its work dir (its configuration changed, or the
 * checkpoint is unreadable). Nothing was modified; the message tells the operator what to do.
 */
public final class RecoveryRefusedException extends RuntimeException {
  /** Exit status of {@code corral agent} when it refuses to recover. */
  public static final int EXIT_CODE = 5;

  public RecoveryRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
