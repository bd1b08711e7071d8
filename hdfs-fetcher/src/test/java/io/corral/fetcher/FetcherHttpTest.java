package io.corral.fetcher;

import static io.corral.fetcher.FetcherFixture.cached;
import static io.corral.fetcher.FetcherFixture.uri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.corral.common.loop.ManualEventLoop;
import io.corral.protocol.CommandURI;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FetcherHttpTest {
  static final byte[] BODY = "hello from the server\n".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path tmp;
  Path sandbox;
  TestHttpServer server;
  FetcherFixture fixture;
  /** The time of the fetchers that tests time by hand. */
  final ManualEventLoop time = new ManualEventLoop();

  @BeforeEach
  void setUp() throws IOException {
    sandbox = tmp.resolve("sandbox");
    server = new TestHttpServer();
    server.file("/files/hello.txt", BODY);
    fixture = new FetcherFixture(tmp.resolve("cache"), 1024 * 1024);
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.close();
    server.close();
  }

  @Test
  void downloadsIntoTheSandboxAndSaysSo() throws Exception {
    String url = server.url("/files/hello.txt");
    List<Fetched> fetched = fixture.fetch(sandbox, uri(url));

    assertThat(sandbox.resolve("hello.txt")).hasBinaryContent(BODY);
    assertThat(fetched).singleElement().satisfies(f -> {
      assertThat(f.uri()).isEqualTo(url);
      assertThat(f.path()).isEqualTo(sandbox.resolve("hello.txt"));
      assertThat(f.bytes()).isEqualTo(BODY.length);
      assertThat(f.cacheHit()).isFalse();
      assertThat(f.extracted()).isFalse();
    });
    assertThat(fixture.progress).hasSize(2);
    assertThat(fixture.progress.peek()).isEqualTo("fetching " + url);
    assertThat(List.copyOf(fixture.progress).get(1))
        .matches("fetched " + java.util.regex.Pattern.quote(url) + ": 22 bytes in \\d+ ms \\(downloaded\\)");
    assertThat(fixture.fetcher.cache().size()).isZero();
    assertNoWorkLeft();
  }

  @Test
  void notFound() throws Exception {
    String url = server.url("/files/missing.txt");
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri(url)))
        .isInstanceOf(FetchException.class)
        .hasMessage("not found (HTTP 404)")
        .satisfies(e -> assertThat(((FetchException) e).uri()).isEqualTo(url));
    assertThat(fixture.progress).containsExactly("fetching " + url); // the agent reports the failure
  }

  @Test
  void followsRedirects() throws Exception {
    server.handle("/old", exchange -> TestHttpServer.redirect(exchange, "/files/hello.txt"));
    fixture.fetch(sandbox, CommandURI.newBuilder().setValue(server.url("/old")).setOutputFile("moved.txt").build());
    assertThat(sandbox.resolve("moved.txt")).hasBinaryContent(BODY);
  }

  /** A fetcher with a stall timeout of a minute and a total timeout of five, timed on {@link #time}. */
  private FetcherFixture timedOnTheManualLoop() {
    return new FetcherFixture(new FetcherConfig(tmp.resolve("timed-cache"), 1024 * 1024, 1024 * 1024, 1024 * 1024,
        Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5), null), time);
  }

  /** The size of the download in progress (in the cache's work directory), 0 before it starts. */
  private long downloaded() throws IOException {
    try (Stream<Path> files = Files.walk(tmp.resolve("timed-cache/tmp"))) {
      return files.filter(p -> p.getFileName().toString().equals("download")).mapToLong(p -> p.toFile().length())
          .sum();
    }
  }

  /** Serves 1000 bytes at {@code path}: 100 at once, the rest when {@code rest} is released. */
  private void stallingAfter100Bytes(String path, CountDownLatch rest) {
    server.handle(path, exchange -> {
      exchange.sendResponseHeaders(200, 1000);
      OutputStream out = exchange.getResponseBody();
      out.write(new byte[100]);
      out.flush();
      waitFor(rest);
      out.write(new byte[900]);
    });
  }

  @Test
  void aStalledDownloadFailsOnceNothingCameForTheStallTimeout() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    stallingAfter100Bytes("/stall", never);
    try (FetcherFixture timed = timedOnTheManualLoop()) {
      CompletableFuture<List<Fetched>> fetch = timed.fetcher.fetch(List.of(cached(server.url("/stall"))), sandbox,
          FetchUser.agent("alice"), line -> {});
      await().atMost(Duration.ofSeconds(10)).until(() -> downloaded() == 100);

      time.advance(Duration.ofMinutes(1).plusSeconds(1)); // checked every second: stalled for more than a minute

      assertThat(fetch).failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class).havingCause()
          .withMessage("stalled: nothing received for 60 s (after 100 bytes)");
      assertThat(timed.fetcher.cache().size()).isZero();
    } finally {
      never.countDown();
    }
  }

  @Test
  void aDownloadThatResumesWithinTheStallTimeoutCompletes() throws Exception {
    CountDownLatch rest = new CountDownLatch(1);
    stallingAfter100Bytes("/pause", rest);
    try (FetcherFixture timed = timedOnTheManualLoop()) {
      CompletableFuture<List<Fetched>> fetch = timed.fetcher.fetch(List.of(uri(server.url("/pause"))), sandbox,
          FetchUser.agent("alice"), line -> {});
      await().atMost(Duration.ofSeconds(10)).until(() -> downloaded() == 100);

      time.advance(Duration.ofSeconds(59));
      rest.countDown();

      assertThat(fetch.get(10, TimeUnit.SECONDS)).singleElement().extracting(Fetched::bytes).isEqualTo(1000L);
    }
  }

  @Test
  void aTrickleThatNeverStallsFailsAtTheTotalTimeout() throws Exception {
    java.util.concurrent.BlockingQueue<Boolean> sendAByte = new java.util.concurrent.LinkedBlockingQueue<>();
    server.handle("/trickle", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      try {
        while (sendAByte.poll(20, TimeUnit.SECONDS) != null) {
          out.write('x');
          out.flush();
        }
      } catch (InterruptedException | IOException e) {
        // the client left
      }
    });
    try (FetcherFixture timed = timedOnTheManualLoop()) {
      CompletableFuture<List<Fetched>> fetch = timed.fetcher.fetch(List.of(uri(server.url("/trickle"))), sandbox,
          FetchUser.agent("alice"), line -> {});
      await().atMost(Duration.ofSeconds(10)).until(() -> time.scheduledCount() == 1); // answered: its watchdog is set
      for (int i = 1; i <= 10; i++) { // a byte every 30 s: never stalled, 5 minutes in all
        time.advance(Duration.ofSeconds(30));
        sendAByte.add(true);
        long expected = i;
        await().atMost(Duration.ofSeconds(10)).until(() -> downloaded() == expected);
      }
      assertThat(fetch).isNotDone();

      time.advance(Duration.ofSeconds(1));
      sendAByte.add(true); // the trickle goes on: the reader, blocked until it comes, finds its body closed

      assertThat(fetch).failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class).havingCause()
          .withMessageStartingWith("timed out after 300 s (after ");
    }
  }

  @Test
  void noResponseTimesOut() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.handle("/silent", exchange -> waitFor(release));
    FetcherConfig impatient = new FetcherConfig(tmp.resolve("cache2"), 1024, 1024, 1024, Duration.ofSeconds(1),
        Duration.ofMillis(400), Duration.ofSeconds(10), null);
    try (FetcherFixture quick = new FetcherFixture(impatient)) { // the HTTP client's own timer: real time
      assertThatThrownBy(() -> quick.fetch(sandbox, uri(server.url("/silent"))))
          .hasMessageContaining("no response within 400 ms");
    } finally {
      release.countDown();
    }
  }

  @Test
  void serverClosingEarlyIsAnIncompleteDownloadAndNeverCached() throws Exception {
    server.handle("/short", exchange -> {
      exchange.sendResponseHeaders(200, 1000);
      exchange.getResponseBody().write(new byte[500]);
      exchange.getResponseBody().flush(); // then the handler ends: fewer bytes than announced
    });
    String url = server.url("/short");
    assertThatThrownBy(() -> fixture.fetch(sandbox, cached(url)))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("incomplete download: received 500 of 1000 bytes");
    assertThat(fixture.fetcher.cache().size()).isZero();
    assertThat(sandbox.resolve("short")).doesNotExist();
    assertThatThrownBy(() -> fixture.fetch(sandbox, cached(url))).hasMessageContaining("incomplete");
    assertThat(server.hits("/short")).isEqualTo(2);
    assertNoWorkLeft();
  }

  @Test
  void tooLargeByContentLengthIsRefusedBeforeReading() throws Exception {
    FetcherConfig config = new FetcherConfig(tmp.resolve("cache2"), 1024, 10, 1024, Duration.ofSeconds(1),
        Duration.ofSeconds(1), Duration.ofSeconds(5), null);
    server.handle("/chunked", exchange -> {
      exchange.sendResponseHeaders(200, 0); // chunked, no Content-Length
      exchange.getResponseBody().write(BODY);
    });
    try (FetcherFixture small = new FetcherFixture(config)) {
      assertThatThrownBy(() -> small.fetch(sandbox, uri(server.url("/files/hello.txt"))))
          .hasMessageEndingWith("too large: 22 bytes announced, the limit is 10");
      assertThatThrownBy(() -> small.fetch(sandbox, uri(server.url("/chunked"))))
          .hasMessageEndingWith("too large: more than 10 bytes (the limit)");
    }
    assertThat(sandbox.resolve("chunked")).doesNotExist();
  }

  @Test
  void connectionRefused() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri("http://127.0.0.1:" + port + "/x")))
        .hasMessageEndingWith("cannot connect to 127.0.0.1:" + port + ": connection refused");
  }

  @Test
  void aHostThatDoesNotResolveIsAnUnknownHostNotARefusedConnection() {
    // .invalid never resolves (RFC 6761)
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri("http://no-such-host.invalid/bundle.tgz")))
        .isInstanceOf(FetchException.class).hasMessage("unknown host no-such-host.invalid");
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri("https://no-such-host.invalid:8443/bundle.tgz")))
        .hasMessage("unknown host no-such-host.invalid");
    server.handle("/away", exchange -> TestHttpServer.redirect(exchange, "http://no-such-host.invalid/x"));
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri(server.url("/away"))))
        .hasMessage("unknown host: a server it was redirected to has a name that does not resolve");
  }

  @Test
  void aRedirectToALocalFileIsNotFollowed() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret"), "root only\n");
    List<String> locations = List.of(secret.toUri().toString(), "file:///etc/passwd", "jar:" + secret.toUri() + "!/x");
    for (int i = 0; i < locations.size(); i++) {
      String location = locations.get(i);
      String path = "/to-file-" + i;
      server.handle(path, exchange -> TestHttpServer.redirect(exchange, location));
      assertThatThrownBy(() -> fixture.fetch(sandbox, cached(server.url(path))))
          .as(location).isInstanceOf(FetchException.class).hasMessage("HTTP status 302");
      assertThat(sandbox.resolve(path.substring(1))).as(location).doesNotExist();
    }
  }

  @Test
  void cacheHitDoesNotTouchTheServer() throws Exception {
    String url = server.url("/files/hello.txt");
    List<Fetched> first = fixture.fetch(sandbox, cached(url));
    Path other = tmp.resolve("other-sandbox");
    List<Fetched> second = fixture.fetch(other, cached(url));

    assertThat(server.hits("/files/hello.txt")).isEqualTo(1);
    assertThat(first.get(0).cacheHit()).isFalse();
    assertThat(second.get(0).cacheHit()).isTrue();
    assertThat(second.get(0).bytes()).isZero();
    assertThat(other.resolve("hello.txt")).hasBinaryContent(BODY);
    assertThat(List.copyOf(fixture.progress).get(3)).contains(": 22 bytes in ").endsWith(" ms (cache hit)");
    // Linked from the cache, read-only.
    assertThat(Files.isSameFile(sandbox.resolve("hello.txt"), other.resolve("hello.txt"))).isTrue();
    assertThat(ArchivesTest.mode(other.resolve("hello.txt"))).isEqualTo(0444);
  }

  @Test
  void cacheIsPerUser() throws Exception {
    String url = server.url("/files/hello.txt");
    fixture.fetch(sandbox, cached(url));
    fixture.fetcher.fetch(List.of(cached(url)), tmp.resolve("bob"), FetchUser.agent("bob"), line -> {}).get(10, TimeUnit.SECONDS);
    assertThat(server.hits("/files/hello.txt")).isEqualTo(2);
  }

  @Test
  void concurrentFetchesOfOneUriDownloadOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.handle("/slow.bin", exchange -> {
      waitFor(release);
      exchange.sendResponseHeaders(200, BODY.length);
      exchange.getResponseBody().write(BODY);
    });
    String url = server.url("/slow.bin");
    CompletableFuture<List<Fetched>> a =
        fixture.fetcher.fetch(List.of(cached(url)), tmp.resolve("a"), FetchUser.agent("alice"), line -> {});
    await().atMost(Duration.ofSeconds(5)).until(() -> server.hits("/slow.bin") == 1);
    CompletableFuture<List<Fetched>> b =
        fixture.fetcher.fetch(List.of(cached(url)), tmp.resolve("b"), FetchUser.agent("alice"), line -> {});
    await().atMost(Duration.ofSeconds(5)).until(() -> LoadWaiters.count() == 1); // b joined a's download
    assertThat(b).isNotDone();
    release.countDown();

    assertThat(a.get(10, TimeUnit.SECONDS).get(0).cacheHit()).isFalse();
    assertThat(b.get(10, TimeUnit.SECONDS).get(0).cacheHit()).isTrue();
    assertThat(server.hits("/slow.bin")).isEqualTo(1);
    assertThat(tmp.resolve("a/slow.bin")).hasBinaryContent(BODY);
    assertThat(tmp.resolve("b/slow.bin")).hasBinaryContent(BODY);
  }

  @Test
  void concurrentFetchesShareAFailure() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.handle("/broken", exchange -> {
      waitFor(release);
      exchange.sendResponseHeaders(500, -1);
    });
    String url = server.url("/broken");
    CompletableFuture<List<Fetched>> a = fixture.fetcher.fetch(List.of(cached(url)), tmp.resolve("a"), FetchUser.agent("u"), l -> {});
    await().atMost(Duration.ofSeconds(5)).until(() -> server.hits("/broken") == 1);
    CompletableFuture<List<Fetched>> b = fixture.fetcher.fetch(List.of(cached(url)), tmp.resolve("b"), FetchUser.agent("u"), l -> {});
    await().atMost(Duration.ofSeconds(5)).until(() -> LoadWaiters.count() == 1); // b joined a's download
    release.countDown();
    for (CompletableFuture<List<Fetched>> f : List.of(a, b)) {
      assertThat(f).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause().isInstanceOf(FetchException.class).withMessage("HTTP status 500");
    }
    assertThat(server.hits("/broken")).isEqualTo(1);
  }

  @Test
  void sha256MatchAndMismatch() throws Exception {
    String url = server.url("/files/hello.txt");
    String good = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(BODY));
    String bad = "0".repeat(64);

    assertThatThrownBy(() -> fixture.fetch(sandbox, cached(url).toBuilder().setSha256(bad).build()))
        .hasMessage("sha256 mismatch: expected " + bad + ", got " + good);
    assertThat(fixture.fetcher.cache().size()).isZero(); // a mismatch never enters the cache
    assertThat(sandbox.resolve("hello.txt")).doesNotExist();

    fixture.fetch(sandbox, cached(url).toBuilder().setSha256(good.toUpperCase()).build());
    assertThat(sandbox.resolve("hello.txt")).hasBinaryContent(BODY);
    assertThat(fixture.fetcher.cache().size()).isOne();
    assertThat(server.hits("/files/hello.txt")).isEqualTo(2);

    // A hit is checked against the recorded sha256: wrong → downloaded again, and refused.
    assertThatThrownBy(() -> fixture.fetch(tmp.resolve("s2"), cached(url).toBuilder().setSha256(bad).build()))
        .hasMessageContaining("sha256 mismatch");
    assertThat(server.hits("/files/hello.txt")).isEqualTo(3);
    fixture.fetch(tmp.resolve("s3"), cached(url).toBuilder().setSha256(good).build());
    assertThat(server.hits("/files/hello.txt")).isEqualTo(3);

    // Uncached fetches are verified too.
    assertThatThrownBy(() -> fixture.fetch(tmp.resolve("s4"), uri(url).toBuilder().setSha256(bad).build()))
        .hasMessageContaining("sha256 mismatch");
    assertThatThrownBy(() -> fixture.fetch(tmp.resolve("s4"), uri(url).toBuilder().setSha256("abc").build()))
        .hasMessage("invalid sha256 'abc': expected 64 hex digits");
  }

  @Test
  void cachedArchiveIsNeitherDownloadedNorExtractedAgain() throws Exception {
    Path archive = TestArchives.write(tmp.resolve("bundle.tar.gz"), Archives.Format.TAR_GZ,
        TestArchives.file("bin/run", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755),
        TestArchives.file("conf/a", "a"),
        TestArchives.symlink("run", "bin/run"));
    server.file("/bundle.tar.gz", Files.readAllBytes(archive));
    String url = server.url("/bundle.tar.gz");

    List<Fetched> first = fixture.fetch(sandbox, cached(url));
    assertThat(first.get(0).extracted()).isTrue();
    assertThat(first.get(0).path()).isEqualTo(sandbox.toAbsolutePath());
    assertThat(List.copyOf(fixture.progress).get(1)).endsWith("(downloaded), extracted 3 files");

    Path entry;
    try (Stream<Path> entries = Files.list(tmp.resolve("cache/entries"))) {
      entry = entries.findFirst().orElseThrow();
    }
    assertThat(ArchivesTest.mode(entry.resolve("tree/bin/run"))).isEqualTo(0555);
    assertThat(ArchivesTest.mode(entry.resolve("tree/conf/a"))).isEqualTo(0444);
    Path other = tmp.resolve("other");
    List<Fetched> second = fixture.fetch(other, cached(url));
    assertThat(second.get(0).cacheHit()).isTrue();
    assertThat(server.hits("/bundle.tar.gz")).isEqualTo(1); // not downloaded again
    // Not extracted again either: the sandbox's files are the cached tree's.
    assertThat(Files.isSameFile(other.resolve("conf/a"), entry.resolve("tree/conf/a"))).isTrue();
    assertThat(other.resolve("bin/run")).hasContent("#!/bin/sh");
    assertThat(Files.isExecutable(other.resolve("run"))).isTrue();
    assertThat(other.resolve("bundle.tar.gz")).exists();
    assertThat(ArchivesTest.mode(other.resolve("bin"))).isEqualTo(0755); // directories are the sandbox's own
    assertThat(List.copyOf(fixture.progress).get(3)).endsWith("(cache hit), extracted 3 files");
  }

  private void assertNoWorkLeft() throws IOException {
    try (Stream<Path> left = Files.list(tmp.resolve("cache/tmp"))) {
      assertThat(left).isEmpty();
    }
  }

  static void waitFor(CountDownLatch latch) {
    try {
      latch.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
