package io.corral.fetcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's cache of verified downloads and their extracted trees, one entry per key (URI,
 * user, whose permissions the source was read with, extract and executable flags), limited in
 * size with least-recently-used eviction.
 *
 * <pre>
 * cacheDir/
 *   entries/&lt;key&gt;-&lt;n&gt;/        one complete entry, renamed here in one step
 *     entry.properties           what it is: uri, user, flags, sizes, sha256
 *     download                   the verified bytes, read-only (r-x if executable)
 *     tree/                      the extracted archive, read-only (extracted entries only)
 *   tmp/                         downloads in progress and entries being deleted; emptied at start
 * </pre>
 *
 * A request for a key that is being loaded waits for that load instead of downloading again.
 * Entries in use (pinned by a {@link CacheLease}) are never evicted; the lock guards only the
 * index, never a download or a deletion. Thread-safe.
 */
final class FetchCache {
  private static final Logger LOG = LoggerFactory.getLogger(FetchCache.class);

  /**
   * What a request wants. {@code sha256} (hex, or null) must match the download. {@code readsAs}
   * ({@link Downloader#readsAs}) names whose permissions the source is read with, empty for the
   * agent's own: what was read as one user is never another's entry.
   */
  record Request(String uri, String user, String readsAs, boolean extract, boolean executable, String sha256) {
    String key() {
      String material = uri + '\0' + (user == null ? "" : user) + '\0' + extract + '\0' + executable;
      // Read as the agent: the key entries have always had (they are found again after an upgrade).
      return Digests.sha256(readsAs == null || readsAs.isEmpty() ? material : material + '\0' + readsAs);
    }
  }

  /** How to fill an entry: the caller's downloader and extractor. */
  interface Loader {
    /** Downloads into {@code file} (which does not exist yet); returns the bytes written. */
    long download(Path file) throws FetchException, InterruptedException;

    /** Unpacks {@code archive} into the empty directory {@code tree}. */
    Archives.Extracted extract(Path archive, Path tree) throws FetchException, InterruptedException;
  }

  private enum Outcome { CACHED, RETRY, UNCACHEABLE }

  private final Path entries;
  private final Path tmp;
  private final long limit;
  private final Clock clock;
  private final Object lock = new Object();
  // Access order: iteration starts at the least recently used entry.
  private final LinkedHashMap<String, CacheEntry> index = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, CompletableFuture<Outcome>> loading = new HashMap<>();
  private long total; // bytes of all entries on disk, retired ones included until deleted

  private FetchCache(Path dir, long limit, Clock clock) {
    this.entries = dir.resolve("entries");
    this.tmp = dir.resolve("tmp");
    this.limit = limit;
    this.clock = clock;
  }

  /**
   * Opens the cache in {@code dir}: clears {@code tmp/} and rebuilds the index from {@code entries/}.
   *
   * @param clock when an entry is used (recorded on its directory, so that the order of use survives
   *     a restart)
   */
  static FetchCache open(Path dir, long limitBytes, Clock clock) throws IOException {
    FetchCache cache = new FetchCache(dir.toAbsolutePath().normalize(), limitBytes, clock);
    cache.rebuild();
    return cache;
  }

  /** Bytes of the entries on disk. */
  long totalBytes() {
    synchronized (lock) {
      return total;
    }
  }

  /** Number of entries in the index. */
  int size() {
    synchronized (lock) {
      return index.size();
    }
  }

  /**
   * The entry for {@code request}: from the index, from another request's load of the same key,
   * or loaded now. An entry larger than the whole cache is not kept: the lease then holds it
   * in a work directory that is deleted on close.
   */
  CacheLease acquire(Request request, Loader loader) throws FetchException, InterruptedException {
    String key = request.key();
    while (true) {
      CompletableFuture<Outcome> theirs;
      CompletableFuture<Outcome> mine = null;
      CacheEntry hit = null;
      synchronized (lock) {
        CacheEntry entry = index.get(key);
        if (entry != null && (request.sha256() == null || request.sha256().equals(entry.sha256))) {
          entry.pins++;
          hit = entry;
        }
        theirs = hit == null ? loading.get(key) : null;
        if (hit == null && theirs == null) {
          mine = new CompletableFuture<>();
          loading.put(key, mine);
        }
      }
      if (hit != null) {
        if (intact(hit)) {
          touch(hit);
          return lease(hit, true);
        }
        drop(hit); // removed behind our back: fetch it again
        continue;
      }
      if (mine != null) {
        return load(request, key, loader, mine);
      }
      switch (await(request, theirs)) {
        case CACHED, RETRY -> {} // look again
        case UNCACHEABLE -> {
          return uncached(request, loader);
        }
      }
    }
  }

  /** Downloads (and extracts) into a work directory that the lease deletes on close; nothing is cached. */
  CacheLease uncached(Request request, Loader loader) throws FetchException, InterruptedException {
    Path work = workDir(request);
    boolean done = false;
    try {
      CacheLease lease = prepare(request, loader, work, false);
      done = true;
      return lease;
    } catch (ChecksumMismatch e) {
      throw e.failure;
    } finally {
      if (!done) {
        Trees.deleteQuietly(work);
      }
    }
  }

  private Outcome await(Request request, CompletableFuture<Outcome> theirs)
      throws FetchException, InterruptedException {
    try {
      return theirs.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof FetchException failed) {
        throw new FetchException(request.uri(), failed.getMessage(), failed);
      }
      throw new FetchException(request.uri(), "fetch failed: " + e.getCause(), e.getCause());
    } catch (CancellationException e) {
      return Outcome.RETRY;
    }
  }

  private CacheLease load(Request request, String key, Loader loader, CompletableFuture<Outcome> mine)
      throws FetchException, InterruptedException {
    Outcome outcome = Outcome.RETRY;
    Throwable shared = null;
    Path work = null;
    try {
      work = workDir(request);
      CacheLease lease = prepare(request, loader, work, true);
      long size = lease.bytes() + lease.treeBytes();
      if (size > limit) {
        // Not sealed yet: the caller gets it with the modes it was downloaded and extracted with.
        outcome = Outcome.UNCACHEABLE;
        LOG.info("not caching {}: {} bytes, more than the whole cache ({} bytes)", request.uri(), size, limit);
        work = null;
        return lease;
      }
      CacheLease cached = insert(request, key, work, lease);
      outcome = Outcome.CACHED;
      work = null;
      return cached;
    } catch (ChecksumMismatch e) {
      throw e.failure; // others may expect other bytes: they look again
    } catch (FetchException e) {
      if (!Thread.currentThread().isInterrupted()) { // a cancelled load is no answer for the others
        shared = e;
      }
      throw e;
    } catch (IOException e) {
      FetchException failed = new FetchException(request.uri(), "cache: " + HttpDownloader.describe(e), e);
      shared = failed;
      throw failed;
    } catch (RuntimeException | Error e) {
      shared = e;
      throw e;
    } finally {
      if (work != null) {
        Trees.deleteQuietly(work);
      }
      synchronized (lock) {
        loading.remove(key, mine);
      }
      if (shared != null) {
        mine.completeExceptionally(shared);
      } else {
        mine.complete(outcome);
      }
    }
  }

  /** Downloads, verifies, extracts into {@code work}; seals it read-only if it is to be cached. */
  private CacheLease prepare(Request request, Loader loader, Path work, boolean forCache)
      throws FetchException, InterruptedException, ChecksumMismatch {
    Path download = work.resolve(CacheEntry.DOWNLOAD);
    long bytes = loader.download(download);
    String sha256 = null;
    try {
      long size = Files.size(download);
      if (size != bytes) {
        throw new FetchException(request.uri(), "size mismatch: the downloader reported " + bytes
            + " bytes, the file has " + size);
      }
      if (request.sha256() != null || forCache) {
        sha256 = Digests.sha256(download);
      }
    } catch (IOException e) {
      throw new FetchException(request.uri(), "cannot verify the download: " + HttpDownloader.describe(e), e);
    }
    if (request.sha256() != null && !request.sha256().equals(sha256)) {
      throw new ChecksumMismatch(new FetchException(request.uri(), "sha256 mismatch: expected " + request.sha256()
          + ", got " + sha256));
    }
    Archives.Extracted extracted = new Archives.Extracted(0, 0, List.of());
    try {
      if (request.executable()) {
        Files.setPosixFilePermissions(download, Trees.permissions(0755));
      }
      if (request.extract()) {
        extracted = loader.extract(download, Files.createDirectory(work.resolve(CacheEntry.TREE)));
      }
    } catch (IOException e) {
      throw new FetchException(request.uri(), "cannot prepare the download: " + HttpDownloader.describe(e), e);
    }
    return new CacheLease(work, bytes, extracted.files(), extracted.bytes(), request.extract(), false, false, sha256,
        () -> Trees.deleteQuietly(work));
  }

  private CacheLease insert(Request request, String key, Path work, CacheLease prepared) throws IOException {
    Files.setPosixFilePermissions(prepared.download(), Trees.permissions(request.executable() ? 0555 : 0444));
    if (prepared.tree() != null) {
      Trees.seal(prepared.tree());
    }
    CacheEntry.describe(work, request, prepared.bytes(), prepared.treeBytes(), prepared.files(), prepared.sha256());
    Path dir = entries.resolve(work.getFileName());
    Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
    CacheEntry entry = new CacheEntry(key, dir, prepared.bytes(), prepared.treeBytes(), prepared.files(),
        request.extract(), prepared.sha256());
    touch(entry);
    List<Path> doomed = new ArrayList<>();
    synchronized (lock) {
      CacheEntry old = index.remove(key);
      if (old != null) {
        retire(old, doomed);
      }
      entry.pins = 1;
      index.put(key, entry);
      total += entry.size();
      evict(doomed);
    }
    delete(doomed);
    return lease(entry, false);
  }

  private CacheLease lease(CacheEntry entry, boolean hit) {
    return new CacheLease(entry.dir, entry.bytes, entry.files, entry.treeBytes, entry.tree, hit, true, entry.sha256,
        () -> release(entry));
  }

  private Path workDir(Request request) throws FetchException {
    try {
      Files.createDirectories(tmp);
      return Files.createTempDirectory(tmp, request.key() + "-");
    } catch (IOException e) {
      throw new FetchException(request.uri(), "cannot create a work directory in " + tmp + ": "
          + HttpDownloader.describe(e), e);
    }
  }

  /** Cheap check that a pinned entry's files are still there. */
  private static boolean intact(CacheEntry entry) {
    return Files.isRegularFile(entry.dir.resolve(CacheEntry.DOWNLOAD))
        && (!entry.tree || Files.isDirectory(entry.dir.resolve(CacheEntry.TREE)));
  }

  /** Takes a pinned, broken entry out of the index and unpins it. */
  private void drop(CacheEntry entry) {
    LOG.warn("fetch cache entry {} lost its files: dropping it", entry.dir);
    synchronized (lock) {
      if (index.get(entry.key) == entry) {
        index.remove(entry.key);
        entry.retired = true;
      }
    }
    release(entry);
  }

  /** Records the use of an entry, for the order of use after a restart. */
  private void touch(CacheEntry entry) {
    try {
      Files.setLastModifiedTime(entry.dir, FileTime.from(clock.instant()));
    } catch (IOException e) {
      LOG.debug("cannot record the use of {}: {}", entry.dir, e.toString());
    }
  }

  private void release(CacheEntry entry) {
    List<Path> doomed = new ArrayList<>();
    synchronized (lock) {
      entry.pins--;
      if (entry.pins == 0 && entry.retired) {
        doomed.add(detach(entry));
      }
      evict(doomed);
    }
    delete(doomed);
  }

  /** Evicts unpinned entries, least recently used first, until the total fits. Holds the lock. */
  private void evict(List<Path> doomed) {
    for (Iterator<CacheEntry> it = index.values().iterator(); total > limit && it.hasNext(); ) {
      CacheEntry entry = it.next();
      if (entry.pins == 0) {
        it.remove();
        LOG.info("evicting {} from the fetch cache ({} bytes)", entry.dir.getFileName(), entry.size());
        retire(entry, doomed);
      }
    }
  }

  /** An entry out of the index: deleted now if unused, else when its last lease closes. Holds the lock. */
  private void retire(CacheEntry entry, List<Path> doomed) {
    entry.retired = true;
    if (entry.pins == 0) {
      doomed.add(detach(entry));
    }
  }

  /** Moves an entry's directory into tmp/ (one rename, so no half-deleted entry is ever seen) and stops counting it. */
  private Path detach(CacheEntry entry) {
    total -= entry.size();
    Path grave = tmp.resolve("evicted-" + entry.dir.getFileName());
    try {
      Files.move(entry.dir, grave, StandardCopyOption.ATOMIC_MOVE);
      return grave;
    } catch (IOException e) {
      LOG.warn("cannot move {} out of the cache: {}", entry.dir, e.toString());
      return entry.dir;
    }
  }

  private static void delete(List<Path> doomed) {
    doomed.forEach(Trees::deleteQuietly);
  }

  /** Rebuilds the index from entries/, oldest use first; drops anything incomplete. */
  private void rebuild() throws IOException {
    Files.createDirectories(entries);
    Trees.delete(tmp);
    Files.createDirectories(tmp);
    List<CacheEntry> found = new ArrayList<>();
    Map<Path, Long> used = new HashMap<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(entries)) {
      for (Path dir : dirs) {
        CacheEntry entry = CacheEntry.read(dir);
        if (entry == null) {
          LOG.warn("dropping incomplete fetch cache entry {}", dir);
          Trees.delete(dir);
        } else {
          found.add(entry);
          used.put(dir, Files.getLastModifiedTime(dir).toMillis());
        }
      }
    }
    found.sort(Comparator.comparing(entry -> used.get(entry.dir)));
    List<Path> doomed = new ArrayList<>();
    synchronized (lock) {
      for (CacheEntry entry : found) {
        CacheEntry older = index.put(entry.key, entry);
        total += entry.size();
        if (older != null) {
          retire(older, doomed);
        }
      }
      evict(doomed);
    }
    delete(doomed);
    LOG.info("fetch cache {}: {} entries, {} bytes (limit {})", entries.getParent(), index.size(), total, limit);
  }

  /** A download whose sha256 is not the one this request expects (other requests may expect others). */
  private static final class ChecksumMismatch extends Exception {
    private static final long serialVersionUID = 1L;
    final transient FetchException failure;

    ChecksumMismatch(FetchException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }
}
