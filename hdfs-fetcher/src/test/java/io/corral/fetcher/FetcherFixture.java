package io.corral.fetcher;

import io.corral.common.loop.ManualEventLoop;
import io.corral.protocol.CommandURI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A fetcher on its own threads, and a record of its progress lines. */
final class FetcherFixture implements AutoCloseable {
  final ExecutorService workers = Executors.newFixedThreadPool(4);
  final Fetcher fetcher;
  final Queue<String> progress = new ConcurrentLinkedQueue<>();

  FetcherFixture(Path cacheDir, long cacheBytes) {
    this(config(cacheDir, cacheBytes));
  }

  FetcherFixture(FetcherConfig config) {
    fetcher = new Fetcher(config, workers);
  }

  /** A fetcher whose downloads are timed on {@code time} (its watchdogs run when the test advances it). */
  FetcherFixture(FetcherConfig config, ManualEventLoop time) {
    Instant start = time.now();
    fetcher = new Fetcher(config, workers, time, time.clock(), () -> Duration.between(start, time.now()).toNanos());
  }

  static FetcherConfig config(Path cacheDir, long cacheBytes) {
    return new FetcherConfig(cacheDir, cacheBytes, 64L * 1024 * 1024, 64L * 1024 * 1024, Duration.ofSeconds(2),
        Duration.ofSeconds(10), Duration.ofSeconds(20), null);
  }

  /** Fetches for alice, as the agent, and waits (at most 20 s); failures come out as the FetchException. */
  List<Fetched> fetch(Path sandbox, CommandURI... uris) throws Exception {
    return fetch(FetchUser.agent("alice"), sandbox, uris);
  }

  /** Fetches for {@code user} and waits (at most 20 s); failures come out as the FetchException. */
  List<Fetched> fetch(FetchUser user, Path sandbox, CommandURI... uris) throws Exception {
    try {
      return fetcher.fetch(List.of(uris), sandbox, user, progress::add).get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  static CommandURI uri(String value) {
    return CommandURI.newBuilder().setValue(value).build();
  }

  static CommandURI cached(String value) {
    return CommandURI.newBuilder().setValue(value).setCache(true).build();
  }

  @Override
  public void close() {
    fetcher.close();
    workers.shutdownNow();
  }
}
