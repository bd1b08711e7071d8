package io.corral.fetcher;

/** A URI that could not be fetched; the message says why, in words for the task's status. */
public final class FetchException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String uri;

  public FetchException(String uri, String message) {
    super(message);
    this.uri = uri;
  }

  public FetchException(String uri, String message, Throwable cause) {
    super(message, cause);
    this.uri = uri;
  }

  public String uri() {
    return uri;
  }
}
