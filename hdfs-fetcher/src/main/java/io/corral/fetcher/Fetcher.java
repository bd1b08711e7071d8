package io.corral.fetcher;

import io.corral.common.loop.EventLoop;
import io.corral.protocol.CommandURI;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the URIs of a command into a sandbox before it runs: downloads (or takes from the
 * cache), verifies, extracts archives safely, renames and chmods, in the order given.
 * Thread-safe; the work runs on the given executor.
 *
 * <p>Every URI is downloaded into a work directory under the cache directory, verified (size,
 * optional sha256), extracted there if it is an archive, then linked into the sandbox (hard
 * links, copies across file systems). With {@code cache} set the verified download and tree
 * become a read-only cache entry that later launches link again without downloading or
 * extracting. Nothing outside the sandbox and the cache directory is ever written.
 *
 * <p>Sources are read with the permissions of the user the fetch is for ({@link FetchUser}): an
 * agent that switches users reads a local file as that user, never as itself, keeps what it read
 * for that user alone, and hands a cached copy of it out only after checking that the user can
 * still read the file.
 */
public final class Fetcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Fetcher.class);
  private static final long CLOSE_WAIT_MILLIS = 10_000;
  private static final String FAILED = "fetch failed: ";

  private final FetcherConfig config;
  private final Executor workers;
  private final FetchCache cache;
  /** Times the HTTP downloads' stall and total timeouts. */
  private final EventLoop watchdogs;
  private final LongSupplier nanoTime;
  private final Downloaders downloaders;
  private final Set<Job> running = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final FetchStats stats = new FetchStats();

  /**
   * Opens the cache in {@link FetcherConfig#cacheDir()} (rebuilding its index from disk).
   *
   * @throws UncheckedIOException if the cache directory cannot be made or read
   */
  public Fetcher(FetcherConfig config, Executor workers) {
    this(config, workers, EventLoop.threaded("corral-fetch-watchdog"), Clock.systemUTC(), System::nanoTime);
  }

  /**
   * @param watchdogs runs the downloads' timeout checks (closed with the fetcher)
   * @param clock when cache entries are used
   * @param nanoTime how long downloads take (monotonic, in nanoseconds), on {@code watchdogs}' time
   */
  Fetcher(FetcherConfig config, Executor workers, EventLoop watchdogs, Clock clock, LongSupplier nanoTime) {
    this.config = Objects.requireNonNull(config, "config");
    this.workers = Objects.requireNonNull(workers, "workers");
    try {
      this.cache = FetchCache.open(config.cacheDir(), config.cacheBytes(), clock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the fetch cache in " + config.cacheDir(), e);
    }
    this.watchdogs = watchdogs;
    this.nanoTime = nanoTime;
    this.downloaders = new Downloaders(config, watchdogs, nanoTime);
  }

  /** Counters since this fetcher started (for the agent's metrics). */
  public FetchStats stats() {
    return stats;
  }

  public FetcherConfig config() {
    return config;
  }

  /** The cache (for tests and metrics). */
  FetchCache cache() {
    return cache;
  }

  /**
   * Fetches every URI into {@code sandbox}. Completes with one result per URI, or
   * exceptionally with a {@link FetchException} naming the URI that failed and why.
   * Cancelling the future interrupts the fetch.
   *
   * @param user whom the sandbox is for: part of the cache key, and local files are read with
   *     that user's permissions when the agent switches users
   * @param progress receives human-readable progress lines (the agent writes them to the
   *     sandbox's stderr and to its log)
   */
  public CompletableFuture<List<Fetched>> fetch(List<CommandURI> uris, Path sandbox, FetchUser user,
      Consumer<String> progress) {
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(user, "user");
    Job job = new Job(List.copyOf(uris), sandbox.toAbsolutePath().normalize(), user, progress);
    if (closed.get()) {
      job.future.completeExceptionally(new FetchException(job.firstUri(), "the fetcher is closed"));
      return job.future;
    }
    running.add(job);
    try {
      workers.execute(job);
    } catch (RejectedExecutionException e) {
      running.remove(job);
      job.future.completeExceptionally(new FetchException(job.firstUri(), "no thread to fetch on: " + e, e));
    }
    return job.future;
  }

  /**
   * Stops: fetches in progress are cancelled (their futures complete with a
   * {@link java.util.concurrent.CancellationException}) and awaited for up to 10 s so that their
   * work directories are cleaned; later calls to {@link #fetch} fail.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<Job> jobs = new ArrayList<>(running);
    jobs.forEach(job -> job.future.cancel(true));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
    try {
      for (Job job : jobs) {
        if (!job.finished.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          LOG.warn("a fetch into {} did not stop within {} ms", job.sandbox, CLOSE_WAIT_MILLIS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    watchdogs.close();
  }

  private List<Fetched> fetchAll(Job job) throws FetchException {
    try {
      Files.createDirectories(job.sandbox);
    } catch (IOException e) {
      throw new FetchException(job.firstUri(), "cannot create the sandbox " + job.sandbox + ": "
          + HttpDownloader.describe(e), e);
    }
    List<Fetched> results = new ArrayList<>();
    List<Path> links = new ArrayList<>(); // symbolic links made so far: checked again after every URI
    for (CommandURI uri : job.uris) {
      results.add(fetchOne(job, uri, links));
    }
    return List.copyOf(results);
  }

  private Fetched fetchOne(Job job, CommandURI command, List<Path> links) throws FetchException {
    String value = command.getValue();
    long start = nanoTime.getAsLong();
    say(job, "fetching " + value);
    try {
      URI source = Downloaders.parse(value);
      Downloader downloader = downloaders.forUri(value, source, job.user);
      FetchPlan plan = FetchPlan.of(command, source);
      FetchCache.Request request = new FetchCache.Request(value, job.user.name(), downloader.readsAs(),
          plan.extract(), plan.executable(), plan.sha256());
      FetchCache.Loader loader = new FetchCache.Loader() {
        @Override
        public long download(Path file) throws FetchException, InterruptedException {
          return downloader.download(plan.uri(), file, config.maxDownloadBytes());
        }

        @Override
        public Archives.Extracted extract(Path archive, Path tree) throws FetchException, InterruptedException {
          return Archives.extract(value, archive, Archives.format(plan.outputName()), tree,
              config.maxExtractedBytes());
        }
      };
      try (CacheLease lease = plan.cache() ? cache.acquire(request, loader) : cache.uncached(request, loader)) {
        if (lease.hit()) {
          downloader.recheck(plan.uri());
        }
        Path file = job.sandbox.resolve(plan.outputName());
        Trees.linkFile(lease.download(), file);
        if (lease.tree() != null) {
          links.addAll(Trees.linkTree(lease.tree(), job.sandbox).links());
        }
        for (Path link : links) {
          checkLink(job.sandbox, link);
        }
        Duration took = Duration.ofNanos(nanoTime.getAsLong() - start);
        say(job, "fetched " + value + ": " + lease.bytes() + " bytes in " + took.toMillis() + " ms ("
            + (lease.hit() ? "cache hit" : "downloaded") + ")"
            + (plan.extract() ? ", extracted " + lease.files() + " files" : ""));
        stats.fetched.incrementAndGet();
        if (lease.hit()) {
          stats.cacheHits.incrementAndGet();
        } else {
          stats.bytesDownloaded.addAndGet(lease.bytes());
        }
        return new Fetched(value, plan.extract() ? job.sandbox : file, lease.hit() ? 0 : lease.bytes(), took,
            lease.hit(), plan.extract());
      }
    } catch (FetchException e) {
      throw failed(job, value, e.getMessage(), e);
    } catch (UnsafePathException e) {
      throw failed(job, value, "cannot place it in the sandbox: " + e.getMessage(), e);
    } catch (IOException e) {
      throw failed(job, value, "cannot place it in the sandbox: " + HttpDownloader.describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed(job, value, "interrupted (the fetch was cancelled)", e);
    } catch (RuntimeException e) {
      throw failed(job, value, "internal error: " + e, e);
    }
  }

  /** A link that now leads out of the sandbox (through links made by later URIs) is removed. */
  private static void checkLink(Path sandbox, Path link) throws IOException {
    try {
      SafePaths.checkLink(sandbox, link);
    } catch (IOException e) {
      Files.deleteIfExists(link);
      throw e;
    }
  }

  /**
   * The failure of one URI: {@link FetchException#uri()} is the URI as given and the message is
   * the reason alone (the agent reports {@code fetch failed: <uri>: <message>}), without the
   * {@code fetch failed: <uri>: } a downloader may have put in front of it.
   */
  private FetchException failed(Job job, String value, String reason, Exception cause) {
    stats.failures.incrementAndGet();
    String why = reason == null ? "unknown error" : reason;
    if (why.startsWith(FAILED)) {
      why = why.substring(FAILED.length());
    }
    for (String prefix : List.of(value + ": ", Downloaders.uriOrEmpty(value) + ": ")) {
      if (!prefix.equals(": ") && why.startsWith(prefix)) {
        why = why.substring(prefix.length());
      }
    }
    LOG.debug("fetch failed: {}: {} [sandbox {}]", value, why, job.sandbox); // reported by the caller
    return new FetchException(value, why, cause);
  }

  private static void say(Job job, String line) {
    LOG.debug("{} [sandbox {}]", line, job.sandbox); // the caller logs it with its context
    try {
      job.progress.accept(line);
    } catch (RuntimeException e) {
      LOG.warn("progress consumer failed: {}", e.toString());
    }
  }

  /** One call to {@link #fetch}: runs once, can be interrupted through its future. */
  private final class Job implements Runnable {
    final List<CommandURI> uris;
    final Path sandbox;
    final FetchUser user;
    final Consumer<String> progress;
    final CompletableFuture<List<Fetched>> future = new CompletableFuture<>();
    final CountDownLatch finished = new CountDownLatch(1);
    private Thread thread; // guarded by this

    Job(List<CommandURI> uris, Path sandbox, FetchUser user, Consumer<String> progress) {
      this.uris = uris;
      this.sandbox = sandbox;
      this.user = user;
      this.progress = progress;
      future.whenComplete((result, failure) -> {
        if (future.isCancelled()) {
          interrupt();
        }
      });
    }

    String firstUri() {
      return uris.isEmpty() ? "" : uris.get(0).getValue();
    }

    private synchronized void interrupt() {
      if (thread != null) {
        thread.interrupt();
        downloaders.abort(thread);
      }
    }

    @Override
    public void run() {
      try {
        synchronized (this) {
          if (future.isDone()) {
            return;
          }
          thread = Thread.currentThread();
        }
        future.complete(fetchAll(this));
      } catch (FetchException e) {
        future.completeExceptionally(e);
      } catch (RuntimeException | Error e) {
        future.completeExceptionally(new FetchException(firstUri(), "fetch failed: " + e, e));
        throw e;
      } finally {
        synchronized (this) {
          thread = null;
        }
        Thread.interrupted(); // a cancel aimed at this job must not hit the pool's next task
        running.remove(this);
        finished.countDown();
      }
    }
  }
}
