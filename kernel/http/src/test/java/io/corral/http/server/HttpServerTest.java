package io.corral.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.http.ApiException;
import io.corral.http.HttpIo;
import io.corral.http.HttpLimits;
import io.corral.http.Request;
import io.corral.http.Response;
import io.corral.http.Route;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP server against real sockets on loopback: answers, limits, timeouts and bounds. Each case
 * has servers of its own, and the cases run side by side (most wait for a timeout).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@Execution(ExecutionMode.CONCURRENT)
class HttpServerTest {
  /** Short timeouts, so that the cases that wait for them are quick. */
  private static final HttpLimits QUICK = HttpLimits.DEFAULTS.withTimeouts(Duration.ofMillis(600),
      Duration.ofMillis(600), Duration.ofMillis(600));
  /**
   * For the cases that test no timeout but send several requests on one connection: a loaded build
   * machine may pause the client longer than {@link #QUICK}'s idle timeout between two of them.
   */
  private static final HttpLimits PATIENT = QUICK.withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30),
      Duration.ofSeconds(30));
  /**
   * For the cases that also send 32 MiB to a client that reads: a loaded machine may pause a moment,
   * and the client may still be reading the last answer when the server counts it as idle.
   */
  private static final HttpLimits QUICK_WRITES_SLOWER = QUICK.withTimeouts(Duration.ofMillis(600),
      Duration.ofSeconds(5), Duration.ofSeconds(2));
  /** Bound for what should happen within a timeout or two (generous: the build machine may be busy). */
  private static final Duration SOON = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final List<HttpServer> servers = new ArrayList<>();
  private final ScheduledExecutorService trickle = Executors.newScheduledThreadPool(1);

  @AfterEach
  void stop() {
    servers.forEach(HttpServer::close);
    trickle.shutdownNow();
  }

  private int serve(HttpLimits limits, Route route) throws IOException {
    HttpServer s = HttpServer.start("127.0.0.1", 0, "test-http", limits, route, null);
    servers.add(s);
    return s.port();
  }

  /** GET /hello, POST /post; anything else 404. */
  private static Response hello(Request r) {
    switch (r.rawPath()) {
      case "/hello" -> {
        HttpIo.allow(r.method(), "GET");
        return Response.json(200, Map.of("hello", "world", "query", String.valueOf(r.rawQuery())));
      }
      case "/post" -> {
        HttpIo.allow(r.method(), "POST");
        return Response.json(200, Map.of("posted", true));
      }
      case "/fail" -> throw new IllegalStateException("a bug");
      case "/secret" -> throw new ApiException(401, "who are you").withHeader("WWW-Authenticate", "Basic realm=\"x\"");
      default -> throw ApiException.notFound("no such endpoint: " + r.rawPath());
    }
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }

  private static void assertJsonError(RawClient.Answer a, int status) throws IOException {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.header("Content-Type")).isEqualTo("application/json");
    assertThat(a.json().get("status").asInt()).isEqualTo(status);
    assertThat(a.json().get("error").asText()).isNotBlank();
  }

  @Test
  void answersWithItsHeadersKeepsConnectionsAliveAndAnswersPipelinedRequestsInOrder() throws Exception {
    int port = serve(PATIENT, HttpServerTest::hello);
    try (RawClient c = RawClient.connect(port)) {
      RawClient.Answer a = c.send(get("/hello?x=1&y=%20")).read();
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.json().get("query").asText()).isEqualTo("x=1&y=%20");
      assertThat(a.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(a.header("Content-Length")).isEqualTo(String.valueOf(a.body().length()));
      assertThat(c.send(get("/hello?again")).read().json().get("query").asText()).isEqualTo("again");
      c.send(get("/hello?1") + get("/nope") + get("/hello?3"));
      assertThat(c.read().json().get("query").asText()).isEqualTo("1");
      assertThat(c.read().status()).isEqualTo(404);
      assertThat(c.read().json().get("query").asText()).isEqualTo("3");
    }
    try (RawClient c = RawClient.connect(port)) { // HTTP/1.0: closed after the answer
      assertThat(c.send("GET /hello HTTP/1.0\r\n\r\n").read().status()).isEqualTo(200);
      assertThat(c.closedWithin(SOON)).isTrue();
    }
  }

  @Test
  void headAnswersAsGetDoesWithoutABody() throws Exception {
    int port = serve(PATIENT, HttpServerTest::hello);
    try (RawClient c = RawClient.connect(port)) {
      RawClient.Answer got = c.send(get("/hello")).read();
      RawClient.Answer head = c.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n").readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).isEqualTo(got.header("Content-Length"));
      assertThat(head.header("Content-Type")).isEqualTo("application/json");
      // no body came: the next answer on the connection starts right away
      assertThat(c.send(get("/hello?next")).read().json().get("query").asText()).isEqualTo("next");
    }
  }

  @Test
  void every405NamesTheAllowedMethods() throws Exception {
    int port = serve(PATIENT, HttpServerTest::hello);
    try (RawClient c = RawClient.connect(port)) {
      RawClient.Answer post = c.send("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").read();
      assertJsonError(post, 405);
      assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
      RawClient.Answer head = c.send("HEAD /post HTTP/1.1\r\nHost: x\r\n\r\n").readHead();
      assertThat(head.status()).isEqualTo(405);
      assertThat(head.header("Allow")).isEqualTo("POST");
      RawClient.Answer delete = c.send("DELETE /post HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertJsonError(delete, 405);
      assertThat(delete.header("Allow")).isEqualTo("POST");
    }
  }

  @Test
  void malformedAndOversizedRequestsGetJsonErrors() throws Exception {
    int port = serve(PATIENT, HttpServerTest::hello);
    for (String bad : List.of("GET /a\\b HTTP/1.1\r\nHost: x\r\n\r\n", "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a?b=%z HTTP/1.1\r\nHost: x\r\n\r\n", "GET /a|b HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /caf\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n", "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET x HTTP/1.1\r\nHost: x\r\n\r\n", "GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nno colon here\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", "POST /post HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n")) {
      try (RawClient c = RawClient.connect(port)) {
        assertJsonError(c.send(bad).read(), 400);
      }
    }
    try (RawClient c = RawClient.connect(port)) {
      assertJsonError(c.send("GET / HTTP/9.9\r\n\r\n").read(), 505);
    }
    try (RawClient c = RawClient.connect(port)) {
      assertJsonError(c.send(get("/" + "x".repeat(HttpIo.MAX_URI_CHARS + 10))).read(), 414); // URI over the limit
      assertJsonError(c.send(get("/" + "x".repeat(HttpIo.MAX_URI_CHARS * 3))).read(), 414); // request line too
    }
    try (RawClient c = RawClient.connect(port)) {
      assertJsonError(c.send("GET / HTTP/1.1\r\nX-Big: " + "x".repeat(20_000) + "\r\n\r\n").read(), 431);
      assertThat(c.closedWithin(SOON)).isTrue();
    }
    // A body announced over the limit is refused before it is sent, with or without Expect: 100-continue
    for (String expect : List.of("", "Expect: 100-continue\r\n")) {
      try (RawClient c = RawClient.connect(port)) {
        RawClient.Answer a = c.send("POST /post HTTP/1.1\r\nHost: x\r\n" + expect + "Content-Length: "
            + (1L << 30) + "\r\n\r\n").read();
        assertJsonError(a, 413);
        assertThat(a.json().get("error").asText()).isEqualTo("request body larger than 65536 bytes");
        assertThat(c.closedWithin(SOON)).isTrue();
      }
    }
    try (RawClient c = RawClient.connect(port)) { // a chunked one is refused once it passes the limit
      c.send("POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      String chunk = Integer.toHexString(40_000) + "\r\n" + "x".repeat(40_000) + "\r\n";
      assertJsonError(c.send(chunk + chunk).read(), 413);
    }
    try (RawClient c = RawClient.connect(port)) { // bodies within the limit are read away
      c.send("POST /post HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(100);
      assertThat(c.send("hello").read().status()).isEqualTo(200);
      assertThat(c.send("POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc").read().status()).isEqualTo(200);
    }
  }

  @Test
  void failuresAre500sAndRefusalsKeepTheirHeaders() throws Exception {
    int port = serve(PATIENT, HttpServerTest::hello);
    try (RawClient c = RawClient.connect(port)) {
      RawClient.Answer fail = c.send(get("/fail")).read();
      assertJsonError(fail, 500);
      assertThat(fail.json().get("error").asText()).contains("a bug");
      RawClient.Answer secret = c.send(get("/secret")).read();
      assertJsonError(secret, 401);
      assertThat(secret.header("WWW-Authenticate")).isEqualTo("Basic realm=\"x\"");
    }
  }

  @Test
  void aHeadOrBodyTrickledByteByByteIsCutOffAtTheRequestDeadlineWhileOthersAreServed() throws Exception {
    int port = serve(QUICK.withWorkers(1, 4), HttpServerTest::hello);
    List<RawClient> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        RawClient c = RawClient.connect(port);
        c.send(i % 2 == 0 ? "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: "
            : "POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
        trickle.scheduleWithFixedDelay(() -> {
          try {
            c.send("a");
          } catch (IOException e) {
            // cut off
          }
        }, 50, 50, TimeUnit.MILLISECONDS);
        slow.add(c);
      }
      long start = System.nanoTime();
      try (RawClient fast = RawClient.connect(port)) {
        assertThat(fast.send(get("/hello")).read().status()).isEqualTo(200);
      }
      for (RawClient c : slow) {
        assertJsonError(c.read(), 408);
        assertThat(c.closedWithin(SOON)).isTrue();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    } finally {
      for (RawClient c : slow) {
        c.close();
      }
    }
  }

  @Test
  void idleConnectionsAreClosedBeforeAndBetweenRequests() throws Exception {
    int port = serve(QUICK, HttpServerTest::hello);
    try (RawClient silent = RawClient.connect(port); RawClient kept = RawClient.connect(port)) {
      assertThat(kept.send(get("/hello")).read().status()).isEqualTo(200);
      assertThat(silent.closedWithin(SOON)).isTrue();
      assertThat(kept.closedWithin(SOON)).isTrue();
    }
  }

  @Test
  void aClientThatStopsReadingADownloadIsCutOffAndHoldsNeitherTheFileNorAWorker() throws Exception {
    Path small = Files.write(dir.resolve("small"), new byte[(4 << 20) + 123]); // pieces and a part piece
    Path big = dir.resolve("big");
    try (SeekableByteChannel ch = Files.newByteChannel(big, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.position((256L << 20) - 1).write(ByteBuffer.wrap(new byte[1])); // far more than socket buffers take; sparse
    }
    List<SeekableByteChannel> opened = new ArrayList<>();
    int port = serve(QUICK_WRITES_SLOWER.withWorkers(1, 4), r -> {
      if (r.rawPath().startsWith("/download/")) {
        SeekableByteChannel ch = Files.newByteChannel(dir.resolve(r.rawPath().substring("/download/".length())));
        synchronized (opened) {
          opened.add(ch);
        }
        return new Response(200, Map.of("Content-Type", "application/octet-stream"), new Response.FileBody(ch,
            ch.size()));
      }
      return hello(r);
    });
    try (RawClient whole = RawClient.connect(port)) { // one that reads gets every byte
      whole.send(get("/download/small"));
      assertThat(whole.read().body().length()).isEqualTo(Files.size(small));
    }
    try (RawClient stalled = RawClient.connect(port, 4096)) {
      stalled.send(get("/download/big"));
      try (RawClient other = RawClient.connect(port)) {
        for (int i = 0; i < 3; i++) {
          RawClient.Answer a = other.send(get("/hello")).read();
          assertThat(a.status()).as(a.body()).isEqualTo(200); // the one worker is not held by the stalled download
        }
      }
      await().atMost(SOON).until(() -> {
        synchronized (opened) {
          return opened.size() == 2 && opened.stream().noneMatch(SeekableByteChannel::isOpen);
        }
      });
      assertThat(stalled.closedWithin(SOON)).isTrue();
    }
  }

  @Test
  void aStreamedBodyIsPulledAsTheClientReadsAndCancelledWhenItStops() throws Exception {
    List<CountingPublisher> publishers = new ArrayList<>();
    int port = serve(QUICK_WRITES_SLOWER, r -> {
      int chunks = Integer.parseInt(r.rawPath().substring(1));
      CountingPublisher p = new CountingPublisher(chunks);
      synchronized (publishers) {
        publishers.add(p);
      }
      return new Response(200, Map.of("Content-Type", "application/octet-stream"),
          new Response.Streamed(p, r.rawQuery() == null ? (long) chunks * CountingPublisher.CHUNK : -1));
    });
    try (RawClient c = RawClient.connect(port)) {
      assertThat(c.send(get("/256")).read().body().length()).isEqualTo(256 * CountingPublisher.CHUNK);
      RawClient.Answer chunked = c.send(get("/256?chunked")).read();
      assertThat(chunked.header("Transfer-Encoding")).isEqualTo("chunked");
      assertThat(chunked.body().length()).isEqualTo(256 * CountingPublisher.CHUNK);
    }
    int many = 16384; // 256 MiB: far more than socket buffers take
    try (RawClient stalled = RawClient.connect(port, 4096)) {
      stalled.send(get("/" + many));
      await().atMost(SOON).until(() -> publishers.size() == 3 && publishers.get(2).cancelled.get());
      assertThat(publishers.get(2).requested.get()).as("pieces asked for by a client that read none")
          .isLessThan(many / 4);
    }
  }

  /** Publishes {@code n} pieces, each only when asked for. */
  private static final class CountingPublisher implements Flow.Publisher<List<ByteBuffer>> {
    static final int CHUNK = 16 * 1024;
    private static final byte[] ZEROS = new byte[CHUNK];
    final AtomicLong requested = new AtomicLong();
    final AtomicBoolean cancelled = new AtomicBoolean();
    private final int n;

    CountingPublisher(int n) {
      this.n = n;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> s) {
      s.onSubscribe(new Flow.Subscription() {
        private long sent;
        private boolean done;

        @Override
        public synchronized void request(long k) {
          requested.addAndGet(k);
          for (long i = 0; i < k && sent < n; i++) {
            sent++;
            s.onNext(List.of(ByteBuffer.wrap(ZEROS)));
          }
          if (sent == n && !done) {
            done = true;
            s.onComplete();
          }
        }

        @Override
        public void cancel() {
          cancelled.set(true);
        }
      });
    }
  }

  @Test
  void connectionsOverTheBoundsAreClosedAtOnceAndTheBoundLifts() throws Exception {
    int port = serve(QUICK.withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30))
        .withConnections(3, 5), HttpServerTest::hello);
    List<RawClient> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        RawClient c = RawClient.connect(port);
        held.add(c);
        assertThat(c.send(get("/hello")).read().status()).isEqualTo(200); // in, before the next one connects
      }
      try (RawClient over = RawClient.connect(port)) {
        assertThat(over.closedWithin(SOON)).as("a 4th connection from one address").isTrue();
      }
      held.remove(0).close();
      await().atMost(SOON).untilAsserted(() -> { // served again once under the bound
        try (RawClient again = RawClient.connect(port)) {
          assertThat(again.send(get("/hello")).read().status()).isEqualTo(200);
        }
      });
    } finally {
      for (RawClient c : held) {
        c.close();
      }
    }
  }

  @Test
  void whenEveryWorkerIsBusyARequestIsAnswered503AtOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean started = new AtomicBoolean();
    int port = serve(QUICK.withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30))
        .withWorkers(1, 1), r -> {
          if (r.rawPath().equals("/block")) {
            started.set(true);
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return Response.json(200, Map.of());
          }
          return hello(r);
        });
    try (RawClient blocked = RawClient.connect(port); RawClient queued = RawClient.connect(port);
         RawClient other = RawClient.connect(port)) {
      blocked.send(get("/block"));
      await().atMost(SOON).until(() -> release.getCount() == 1 && started.get());
      queued.send(get("/hello?queued"));
      await().atMost(SOON).untilAsserted(() -> { // once the queued one waits, the next is refused at once
        RawClient.Answer busy = other.send(get("/hello")).read();
        assertJsonError(busy, 503);
        assertThat(busy.header("Retry-After")).isEqualTo("1");
      });
      release.countDown();
      assertThat(blocked.read().status()).isEqualTo(200);
      assertThat(queued.read().json().get("query").asText()).isEqualTo("queued");
      assertThat(other.send(get("/hello")).read().status()).isEqualTo(200);
    }
  }
}
