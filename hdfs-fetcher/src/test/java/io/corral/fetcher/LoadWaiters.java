package io.corral.fetcher;

import java.util.Arrays;

/**
 * Observes requests that joined another request's load of the same cache entry (they wait for it
 * in {@code FetchCache.await} rather than downloading again): what tests wait for, instead of
 * sleeping and hoping the requests got there.
 */
final class LoadWaiters {
  private LoadWaiters() {}

  /** The number of threads waiting for another request's load. */
  static long count() {
    return Thread.getAllStackTraces().values().stream()
        .filter(stack -> Arrays.stream(stack).anyMatch(frame ->
            frame.getClassName().equals(FetchCache.class.getName()) && frame.getMethodName().equals("await")))
        .count();
  }
}
