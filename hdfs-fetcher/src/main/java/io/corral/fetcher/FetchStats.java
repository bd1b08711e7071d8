package io.corral.fetcher;

import java.util.concurrent.atomic.AtomicLong;

/** What a {@link Fetcher} did since it started: URIs fetched, from the cache or not, bytes, failures. */
public final class FetchStats {
  final AtomicLong fetched = new AtomicLong();
  final AtomicLong cacheHits = new AtomicLong();
  final AtomicLong bytesDownloaded = new AtomicLong();
  final AtomicLong failures = new AtomicLong();

  /** URIs placed in sandboxes, from the cache or downloaded. */
  public long fetched() {
    return fetched.get();
  }

  /** URIs served from the agent's cache without a download. */
  public long cacheHits() {
    return cacheHits.get();
  }

  public long bytesDownloaded() {
    return bytesDownloaded.get();
  }

  /** URIs that could not be fetched (the task failed with the reason). */
  public long failures() {
    return failures.get();
  }
}
