package io.corral.fetcher;

import io.corral.protocol.CommandURI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Fetches the URIs of a command into a sandbox before it runs: downloads (or takes from the
 * cache), verifies, extracts archives safely, renames and chmods, in the order given.
 * Thread-safe; the work runs on the given executor.
 */
public final class Fetcher implements AutoCloseable {
  private final FetcherConfig config;
  private final Executor workers;

  public Fetcher(FetcherConfig config, Executor workers) {
    this.config = config;
    this.workers = workers;
  }

  public FetcherConfig config() {
    return config;
  }

  /**
   * Fetches every URI into {@code sandbox}. Completes with one result per URI, or
   * exceptionally with a {@link FetchException} naming the URI that failed and why.
   *
   * @param user the user the sandbox belongs to (part of the cache key)
   * @param progress receives human-readable progress lines (the agent writes them to the
   *     sandbox's stderr and to its log)
   */
  public CompletableFuture<List<Fetched>> fetch(List<CommandURI> uris, Path sandbox, String user,
      Consumer<String> progress) {
    throw new UnsupportedOperationException("not written yet");
  }

  @Override
  public void close() {}
}
