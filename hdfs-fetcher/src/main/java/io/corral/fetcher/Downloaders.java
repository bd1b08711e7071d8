package io.corral.fetcher;

import io.corral.common.loop.EventLoop;
import io.corral.common.user.UserAccount;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Picks the {@link Downloader} for a URI by its scheme: {@code http}/{@code https} →
 * {@link HttpDownloader}, {@code file} (and plain absolute paths) → {@link UserLocalDownloader}
 * when the file is to be read as the task's user, else {@link LocalDownloader},
 * {@code hdfs}/{@code webhdfs}/{@code swebhdfs} → {@link HdfsDownloader} (only if the agent has
 * HDFS support). No other scheme is fetched: nothing reaches the helper's Hadoop {@code FileSystem}
 * but HDFS, so no {@code file:}, {@code har:} or {@code viewfs:} URI can read the agent's files.
 * Downloaders are made once, on first use, and shared (those for a user, per URI).
 */
final class Downloaders {
  private final FetcherConfig config;
  private final EventLoop watchdogs;
  private final LongSupplier nanoTime;
  private HttpDownloader http;
  private LocalDownloader local;
  private Downloader hdfs;

  /**
   * @param watchdogs runs the HTTP stall and total-time watchdogs
   * @param nanoTime the watchdogs' time (monotonic, in nanoseconds)
   */
  Downloaders(FetcherConfig config, EventLoop watchdogs, LongSupplier nanoTime) {
    this.config = config;
    this.watchdogs = watchdogs;
    this.nanoTime = nanoTime;
  }

  /**
   * The source of a {@code CommandURI.value}: a URI with a scheme, or an absolute local path.
   *
   * @throws FetchException "unsupported URI" for relative paths and text that is no URI
   */
  static URI parse(String value) throws FetchException {
    if (value.isBlank()) {
      throw new FetchException(value, "unsupported URI: empty");
    }
    if (value.startsWith("/")) {
      try {
        return Path.of(value).toUri();
      } catch (InvalidPathException e) {
        throw new FetchException(value, "unsupported URI: not a valid path (" + e.getMessage() + ")");
      }
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new FetchException(value, "unsupported URI: " + e.getMessage());
    }
    if (uri.getScheme() == null) {
      throw new FetchException(value, "unsupported URI: a relative path (use an absolute path or a URI with a scheme)");
    }
    return uri;
  }

  /** {@code value} {@linkplain #parse parsed} and printed again (a path becomes file:///...), or "" if it is no URI. */
  static String uriOrEmpty(String value) {
    try {
      return parse(value).toString();
    } catch (FetchException e) {
      return "";
    }
  }

  /**
   * The downloader for {@code uri}, or a FetchException saying why there is none.
   *
   * @param user whom the fetch is for: a local file is read with that user's permissions when the
   *     agent switches users (looked up now; an unknown user fails)
   */
  Downloader forUri(String value, URI uri, FetchUser user) throws FetchException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "http", "https" -> {
        if (uri.getHost() == null) {
          throw new FetchException(value, "unsupported URI: no host");
        }
        return http();
      }
      case "file" -> {
        return local(value, user);
      }
      default -> {
        if (HdfsDownloader.SCHEMES.contains(scheme)) {
          return hdfs(value, scheme);
        }
        throw new FetchException(value, "unsupported URI scheme '" + uri.getScheme()
            + "' (supported: hdfs, webhdfs, swebhdfs, http, https, file, absolute paths)");
      }
    }
  }

  /** Stops a download running on {@code thread} that an interrupt alone would not stop. */
  void abort(Thread thread) {
    HttpDownloader current;
    synchronized (this) {
      current = http;
    }
    if (current != null) {
      current.abort(thread);
    }
  }

  private synchronized Downloader http() {
    if (http == null) {
      http = new HttpDownloader(config, watchdogs, nanoTime);
    }
    return http;
  }

  private Downloader local(String value, FetchUser user) throws FetchException {
    Optional<UserAccount> reader;
    try {
      reader = user.reader();
    } catch (IOException e) { // an unknown user, or no answer from the name service
      throw new FetchException(value, e.getMessage(), e);
    }
    return reader.isPresent() ? new UserLocalDownloader(reader.get(), config) : agentLocal();
  }

  private synchronized Downloader agentLocal() {
    if (local == null) {
      local = new LocalDownloader(config);
    }
    return local;
  }

  private synchronized Downloader hdfs(String value, String scheme) throws FetchException {
    if (config.hdfs() == null) {
      throw new FetchException(value, scheme + ":// URIs are not supported on this agent: it has no HDFS support "
          + "configured (Hadoop client and configuration)");
    }
    if (hdfs == null) {
      hdfs = new HdfsDownloader(config.hdfs(), config);
    }
    return hdfs;
  }
}
