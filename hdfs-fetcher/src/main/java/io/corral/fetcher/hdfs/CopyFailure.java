package io.corral.fetcher.hdfs;

/** A failure of {@link HdfsCopy} with its exit code and a one-line message for the agent. */
final class CopyFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  CopyFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
