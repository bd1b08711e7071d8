package io.corral.fetcher;

import java.net.URI;
import java.nio.file.Path;

/** Copies one URI's bytes to a local file. One implementation per kind of URI. */
interface Downloader {

  /**
   * Downloads {@code uri} into {@code dest} (a new file in a temporary directory), enforcing
   * {@code maxBytes} and the configured timeouts.
   *
   * @return the number of bytes written, checked against the size the source announced
   * @throws FetchException with a clear message (not found, too large, timed out, ...)
   */
  long download(URI uri, Path dest, long maxBytes) throws FetchException, InterruptedException;

  /**
   * Whose permissions the source is read with, when they are not the agent's own (empty): part of
   * the cache key, so that what was read for one user is never handed to another.
   */
  default String readsAs() {
    return "";
  }

  /**
   * Called before a cached copy of {@code uri} is handed out: fails if the source can no longer be
   * read with these permissions. By default nothing is checked: a cached download is served as it is.
   */
  default void recheck(URI uri) throws FetchException, InterruptedException {}
}
