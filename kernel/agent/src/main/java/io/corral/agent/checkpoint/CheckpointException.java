package io.corral.agent.checkpoint;

/** A checkpoint could not be read or written; the message names the file. */
public final class CheckpointException extends RuntimeException {
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
