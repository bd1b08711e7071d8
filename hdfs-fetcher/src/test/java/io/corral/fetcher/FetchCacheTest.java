package io.corral.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.corral.common.loop.ManualEventLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class FetchCacheTest {
  @TempDir
  Path dir;
  final ExecutorService threads = Executors.newCachedThreadPool();
  /** The cache's time: it moves only when a test moves it. */
  final ManualEventLoop time = new ManualEventLoop();
  final Clock clock = time.clock();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** Writes {@code size} bytes; for archives, a tree of two files. Counts its calls. */
  static final class FakeLoader implements FetchCache.Loader {
    final int size;
    final AtomicInteger downloads = new AtomicInteger();
    final AtomicInteger extracts = new AtomicInteger();
    final CountDownLatch gate;

    FakeLoader(int size) {
      this(size, new CountDownLatch(0));
    }

    FakeLoader(int size, CountDownLatch gate) {
      this.size = size;
      this.gate = gate;
    }

    @Override
    public long download(Path file) throws FetchException, InterruptedException {
      downloads.incrementAndGet();
      gate.await();
      try {
        Files.write(file, new byte[size]);
      } catch (IOException e) {
        throw new FetchException("fake", e.toString());
      }
      return size;
    }

    @Override
    public Archives.Extracted extract(Path archive, Path tree) throws FetchException {
      extracts.incrementAndGet();
      try {
        Files.createDirectories(tree.resolve("d"));
        Files.write(tree.resolve("d/a"), new byte[100]);
        Files.write(tree.resolve("b"), new byte[100]);
      } catch (IOException e) {
        throw new FetchException("fake", e.toString());
      }
      return new Archives.Extracted(2, 200, List.of());
    }
  }

  static FetchCache.Request request(String uri) {
    return new FetchCache.Request(uri, "alice", "", false, false, null);
  }

  @Test
  void leastRecentlyUsedIsEvictedFirst() throws Exception {
    FetchCache cache = FetchCache.open(dir, 2500, clock);
    FakeLoader loader = new FakeLoader(1000);
    cache.acquire(request("a"), loader).close();
    cache.acquire(request("b"), loader).close();
    try (CacheLease hit = cache.acquire(request("a"), loader)) { // a is now the most recent
      assertThat(hit.hit()).isTrue();
    }
    cache.acquire(request("c"), loader).close();

    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.totalBytes()).isEqualTo(2000);
    assertThat(loader.downloads).hasValue(3);
    Path c = entryOf("c");
    try (CacheLease a = cache.acquire(request("a"), loader);
        CacheLease b = cache.acquire(request("b"), loader)) {
      assertThat(a.hit()).isTrue();
      assertThat(b.hit()).isFalse(); // evicted before, downloaded again; now c is the oldest
    }
    assertThat(c).doesNotExist();
    assertThat(entries()).hasSize(2);
  }

  @Test
  void pinnedEntriesStayUntilReleased() throws Exception {
    FetchCache cache = FetchCache.open(dir, 1500, clock);
    FakeLoader loader = new FakeLoader(1000);
    CacheLease a = cache.acquire(request("a"), loader);
    try (CacheLease b = cache.acquire(request("b"), loader)) {
      assertThat(cache.totalBytes()).isEqualTo(2000); // both in use
      assertThat(a.download()).exists();
      a.close();
      assertThat(cache.totalBytes()).isEqualTo(1000);
      assertThat(a.download()).doesNotExist();
      assertThat(b.download()).exists();
    }
    assertThat(cache.size()).isOne();
  }

  @Test
  void entriesWithTreesAreSealedAndStillEvictable() throws Exception {
    FetchCache cache = FetchCache.open(dir, 1500, clock);
    FakeLoader loader = new FakeLoader(1000);
    FetchCache.Request archive = new FetchCache.Request("bundle.tgz", "alice", "", true, false, null);
    try (CacheLease lease = cache.acquire(archive, loader)) {
      assertThat(lease.tree()).isDirectory();
      assertThat(lease.files()).isEqualTo(2);
      assertThat(ArchivesTest.mode(lease.tree().resolve("d"))).isEqualTo(0555);
      assertThat(ArchivesTest.mode(lease.tree().resolve("d/a"))).isEqualTo(0444);
      assertThat(ArchivesTest.mode(lease.download())).isEqualTo(0444);
    }
    assertThat(cache.totalBytes()).isEqualTo(1200);
    cache.acquire(request("other"), loader).close();
    assertThat(cache.size()).isOne();
    assertThat(entries()).hasSize(1);
    assertThat(workDirs()).isEmpty();
  }

  @Test
  void anEntryLargerThanTheCacheIsNotKept() throws Exception {
    FetchCache cache = FetchCache.open(dir, 500, clock);
    FakeLoader loader = new FakeLoader(1000);
    CacheLease lease = cache.acquire(request("big"), loader);
    assertThat(lease.cached()).isFalse();
    assertThat(lease.download()).hasSize(1000);
    lease.close();
    assertThat(lease.download()).doesNotExist();
    assertThat(cache.size()).isZero();
    assertThat(workDirs()).isEmpty();
  }

  @Test
  void restartRebuildsTheIndexInOrderOfUse() throws Exception {
    FetchCache cache = FetchCache.open(dir, 10_000, clock);
    FakeLoader loader = new FakeLoader(1000);
    FetchCache.Request archive = new FetchCache.Request("new.tgz", "alice", "", true, false, null);
    cache.acquire(request("old"), loader).close();
    time.advance(Duration.ofMinutes(1));
    cache.acquire(archive, loader).close();
    time.advance(Duration.ofMinutes(1));
    cache.acquire(request("used-again"), loader).close();
    time.advance(Duration.ofMinutes(1));
    cache.acquire(request("old"), loader).close(); // a hit: now the most recently used
    Path old = entryOf("old");

    FetchCache reopened = FetchCache.open(dir, 10_000, clock);
    time.advance(Duration.ofMinutes(1));
    assertThat(reopened.size()).isEqualTo(3);
    assertThat(reopened.totalBytes()).isEqualTo(3200);
    try (CacheLease hit = reopened.acquire(archive, loader)) {
      assertThat(hit.hit()).isTrue();
      assertThat(hit.files()).isEqualTo(2);
      assertThat(hit.tree().resolve("d/a")).exists();
    }
    assertThat(loader.downloads).hasValue(3);

    Path archiveEntry = entryOf("new.tgz", true);
    Path usedAgain = entryOf("used-again");
    FetchCache smaller = FetchCache.open(dir, 2500, clock); // the two used last fit
    assertThat(smaller.size()).isEqualTo(2);
    assertThat(old).exists();
    assertThat(archiveEntry).as("its use after the restart counts").exists();
    assertThat(usedAgain).doesNotExist();
  }

  @Test
  void startDeletesWorkInProgressAndIncompleteEntries() throws Exception {
    FetchCache cache = FetchCache.open(dir, 10_000, clock);
    cache.acquire(request("kept"), new FakeLoader(10)).close();
    Path partial = Files.createDirectories(dir.resolve("tmp/" + "a".repeat(64) + "-1"));
    Files.write(partial.resolve("download"), new byte[5]);
    Path noMeta = Files.createDirectories(dir.resolve("entries/" + "b".repeat(64) + "-2"));
    Files.write(noMeta.resolve("download"), new byte[5]);
    Path stray = Files.createDirectories(dir.resolve("entries/not-an-entry"));
    Path truncated = entryOf("kept");
    Path copy = dir.resolve("entries/" + "c".repeat(64) + "-3");
    Files.createDirectory(copy);
    Files.copy(truncated.resolve(CacheEntry.META), copy.resolve(CacheEntry.META));
    Files.write(copy.resolve(CacheEntry.DOWNLOAD), new byte[3]); // shorter than recorded

    FetchCache reopened = FetchCache.open(dir, 10_000, clock);
    assertThat(reopened.size()).isOne();
    assertThat(partial).doesNotExist();
    assertThat(noMeta).doesNotExist();
    assertThat(stray).doesNotExist();
    assertThat(copy).doesNotExist();
    assertThat(truncated).exists();
  }

  @Test
  void anEntryWhoseFilesVanishedIsFetchedAgain() throws Exception {
    FetchCache cache = FetchCache.open(dir, 10_000, clock);
    FakeLoader loader = new FakeLoader(100);
    cache.acquire(request("gone"), loader).close();
    Trees.delete(entryOf("gone").resolve(CacheEntry.DOWNLOAD));
    try (CacheLease lease = cache.acquire(request("gone"), loader)) {
      assertThat(lease.hit()).isFalse();
      assertThat(lease.download()).hasSize(100);
    }
    assertThat(loader.downloads).hasValue(2);
    assertThat(cache.size()).isOne();
    assertThat(entries()).hasSize(1);
  }

  @Test
  void concurrentRequestsLoadOnce() throws Exception {
    FetchCache cache = FetchCache.open(dir, 10_000, clock);
    CountDownLatch gate = new CountDownLatch(1);
    FakeLoader loader = new FakeLoader(100, gate);
    List<CompletableFuture<CacheLease>> leases = Stream.generate(() -> CompletableFuture.supplyAsync(() -> {
      try {
        return cache.acquire(request("shared"), loader);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, threads)).limit(4).toList();
    await().until(() -> loader.downloads.get() == 1 && LoadWaiters.count() == 3); // the others joined its load
    gate.countDown();
    for (CompletableFuture<CacheLease> lease : leases) {
      lease.get(5, TimeUnit.SECONDS).close();
    }
    assertThat(loader.downloads).hasValue(1);
    assertThat(leases.stream().filter(l -> l.join().hit()).count()).isEqualTo(3);
  }

  @Test
  void aCancelledLoadIsRetriedByTheNextInLine() throws Exception {
    FetchCache cache = FetchCache.open(dir, 10_000, clock);
    CountDownLatch never = new CountDownLatch(1);
    FakeLoader stuck = new FakeLoader(100, never);
    CompletableFuture<Thread> first = new CompletableFuture<>();
    CompletableFuture<Object> firstResult = CompletableFuture.supplyAsync(() -> {
      first.complete(Thread.currentThread());
      try {
        return cache.acquire(request("x"), stuck);
      } catch (Exception e) {
        return e;
      }
    }, threads);
    await().until(() -> stuck.downloads.get() == 1);
    FakeLoader working = new FakeLoader(100);
    CompletableFuture<CacheLease> second = CompletableFuture.supplyAsync(() -> {
      try {
        return cache.acquire(request("x"), working);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, threads);
    await().until(() -> LoadWaiters.count() == 1); // the second waits for the first's load
    first.join().interrupt();

    assertThat(firstResult.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    try (CacheLease lease = second.get(5, TimeUnit.SECONDS)) {
      assertThat(lease.hit()).isFalse();
      assertThat(lease.cached()).isTrue();
    }
    assertThat(working.downloads).hasValue(1);
  }

  @Test
  void aSha256MismatchIsNotCached() throws Exception {
    FetchCache cache = FetchCache.open(dir, 10_000, clock);
    FetchCache.Request wrong = new FetchCache.Request("u", "alice", "", false, false, "0".repeat(64));
    assertThatThrownBy(() -> cache.acquire(wrong, new FakeLoader(10))).isInstanceOf(FetchException.class)
        .hasMessageStartingWith("sha256 mismatch: expected 000");
    assertThat(cache.size()).isZero();
    assertThat(workDirs()).isEmpty();
  }

  @Test
  void keysDifferByUriUserAndFlags() {
    String base = request("u").key();
    assertThat(base).hasSize(64).isNotEqualTo(request("v").key());
    assertThat(new FetchCache.Request("u", "bob", "", false, false, null).key()).isNotEqualTo(base);
    assertThat(new FetchCache.Request("u", "alice", "", true, false, null).key()).isNotEqualTo(base);
    assertThat(new FetchCache.Request("u", "alice", "", false, true, null).key()).isNotEqualTo(base);
    assertThat(new FetchCache.Request("u", "alice", "", false, false, "ab".repeat(32)).key()).isEqualTo(base);
  }

  @Test
  void whatWasReadWithAUsersPermissionsIsThatUsersEntryAlone() throws Exception {
    FetchCache cache = FetchCache.open(dir, 10_000, clock);
    FakeLoader loader = new FakeLoader(100);
    FetchCache.Request byAgent = new FetchCache.Request("file:///etc/app.key", "alice", "", false, false, null);
    FetchCache.Request asAlice = new FetchCache.Request("file:///etc/app.key", "alice", "uid 1001", false, false, null);
    FetchCache.Request asAnother = new FetchCache.Request("file:///etc/app.key", "alice", "uid 1002", false, false, null);

    cache.acquire(byAgent, loader).close();
    try (CacheLease lease = cache.acquire(asAlice, loader)) {
      assertThat(lease.hit()).isFalse(); // read again, as alice: the agent's copy is not hers
    }
    try (CacheLease lease = cache.acquire(asAnother, loader)) {
      assertThat(lease.hit()).isFalse(); // a name given to another uid is another reader
    }
    try (CacheLease lease = cache.acquire(asAlice, loader)) {
      assertThat(lease.hit()).isTrue();
    }

    assertThat(loader.downloads).hasValue(3);
    assertThat(cache.size()).isEqualTo(3);
    // Read as the agent, keys are what they were: entries of an earlier version are found again.
    assertThat(byAgent.key()).isEqualTo(Digests.sha256("file:///etc/app.key\0alice\0false\0false"));
  }

  private Path entryOf(String uri) throws IOException {
    return entryOf(uri, false);
  }

  private Path entryOf(String uri, boolean extract) throws IOException {
    String key = new FetchCache.Request(uri, "alice", "", extract, false, null).key();
    try (Stream<Path> entries = Files.list(dir.resolve("entries"))) {
      return entries.filter(p -> p.getFileName().toString().startsWith(key)).findFirst().orElseThrow();
    }
  }

  private List<Path> entries() throws IOException {
    try (Stream<Path> entries = Files.list(dir.resolve("entries"))) {
      return entries.toList();
    }
  }

  private List<Path> workDirs() throws IOException {
    try (Stream<Path> work = Files.list(dir.resolve("tmp"))) {
      return work.toList();
    }
  }
}
