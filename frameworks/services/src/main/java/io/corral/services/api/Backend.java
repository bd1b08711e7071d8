package io.corral.services.api;

import io.corral.http.ApiException;
import io.corral.services.app.ServiceException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for the engine's answer to a command on a request thread, within a time limit. */
final class Backend {
  private Backend() {}

  /**
   * The command's result; its {@link ServiceException} as is; no answer within {@code timeout} is a 503.
   */
  static <T> T await(CompletableFuture<T> f, Duration timeout) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ApiException(503, "the services engine did not answer within " + timeout.toSeconds() + " s; try again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
      if (cause instanceof ServiceException s) {
        throw s;
      }
      if (cause instanceof ApiException a) {
        throw a;
      }
      throw new IllegalStateException("the services engine failed: " + cause, cause);
    }
  }
}
