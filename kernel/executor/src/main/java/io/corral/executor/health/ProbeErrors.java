package io.corral.executor.health;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Why a connection-based check failed, in a few words ("connection refused"). */
final class ProbeErrors {
  private ProbeErrors() {}

  static String describe(Throwable error, Duration timeout) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof HttpTimeoutException || e instanceof SocketTimeoutException) {
      return "timed out after " + HealthCheckSettings.say(timeout);
    }
    if (e instanceof ConnectException) { // the HTTP client's has no message
      return e.getMessage() == null || e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("refused")
          ? "connection refused" : e.getMessage();
    }
    if (e instanceof ClosedChannelException) {
      return "connection closed";
    }
    if (e instanceof java.util.concurrent.CancellationException) {
      return "stopped";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
