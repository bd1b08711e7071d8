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
}
