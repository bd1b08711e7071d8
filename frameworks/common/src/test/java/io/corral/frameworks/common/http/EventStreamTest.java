package io.corral.frameworks.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.common.loop.ManualEventLoop;
import io.corral.http.HttpLimits;
import io.corral.http.Request;
import io.corral.http.Response;
import io.corral.http.server.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Server-sent events through the kernel's HTTP server to real clients; keep-alives on a manual clock. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventStreamTest {
  private static final Duration SOON = Duration.ofSeconds(20);
  private final ManualEventLoop timers = new ManualEventLoop();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private EventStream stream;
  private HttpServer server;

  private String serve(int maxBufferedBytes, HttpLimits limits) throws IOException {
    stream = new EventStream(timers, EventStream.KEEP_ALIVE, maxBufferedBytes);
    Router router = Router.builder(ErrorBody.MESSAGE)
        .get("/v2/events", (r, p) -> stream.subscribe(r, Set.copyOf(QueryParams.parse(r.rawQuery()).all("event_type"))))
        .build();
    server = HttpServer.start("127.0.0.1", 0, "events-test", limits, router, null);
    return "http://127.0.0.1:" + server.port() + "/v2/events";
  }

  @AfterEach
  void stop() {
    if (stream != null) {
      stream.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void clientsGetTheEventsTheyAskedForAndKeepAlivesAndTheirStreamsEndCleanly() throws Exception {
    String url = serve(EventStream.MAX_BUFFERED_BYTES, HttpLimits.DEFAULTS);
    SseLines all = SseLines.open(client, url);
    SseLines deployments = SseLines.open(client, url + "?event_type=deployment_success&event_type=deployment_failed");
    assertThat(all.head.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(all.head.get().headers().firstValue("Content-Type")).contains("text/event-stream");
    await().atMost(SOON).until(() -> stream.subscribers() == 2);

    stream.publish("status_update_event", Map.of("taskId", "web.1", "taskStatus", "TASK_RUNNING"));
    stream.publish("deployment_success", Map.of("id", "d1"));

    assertThat(all.next(6)).containsExactly(
        "event: status_update_event", "data: " + json(Map.of("taskId", "web.1", "taskStatus", "TASK_RUNNING")), "",
        "event: deployment_success", "data: {\"id\":\"d1\"}", "");
    assertThat(deployments.next(3)).containsExactly("event: deployment_success", "data: {\"id\":\"d1\"}", "");

    timers.advance(EventStream.KEEP_ALIVE);
    assertThat(all.next(2)).containsExactly(":keep-alive", "");
    assertThat(deployments.next(2)).containsExactly(":keep-alive", "");

    stream.close();
    assertThat(all.next()).isEqualTo(SseLines.END);
    assertThat(deployments.next()).isEqualTo(SseLines.END);
    assertThat(stream.subscribers()).isZero();
    assertThat(stream.droppedClients()).isZero();
  }

  private static String json(Object o) {
    return new String(PeerJson.write(o), StandardCharsets.UTF_8);
  }

  @Test
  void aClientThatAsksForNothingIsDroppedAtItsBoundWhileThePublisherAndTheOthersCarryOn() {
    stream = new EventStream(timers, EventStream.KEEP_ALIVE, 1000);
    Recorder stalled = new Recorder(0);
    Recorder reading = new Recorder(Long.MAX_VALUE);
    publisher(stream.subscribe(request(), Set.of())).subscribe(stalled);
    publisher(stream.subscribe(request(), Set.of())).subscribe(reading);
    int published = 0;
    while (stalled.error == null) {
      stream.publish("tick", Map.of("n", published++));
      assertThat(stream.bufferedBytes()).isLessThanOrEqualTo(1000);
      assertThat(published).as("events before the stalled client is dropped").isLessThan(100);
    }
    assertThat(stalled.error).hasMessage("the client read too slowly: more than 1000 bytes of events waited for it");
    assertThat(stream.subscribers()).isEqualTo(1);
    assertThat(stream.droppedClients()).isEqualTo(1);
    stream.publish("tick", Map.of("n", published++));
    assertThat(new String(reading.bytes(), StandardCharsets.UTF_8).split("event: tick").length - 1).isEqualTo(published);
  }

  @Test
  void aSlowClientOnARealConnectionIsDisconnected() throws Exception {
    String url = serve(64 * 1024, HttpLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(1)));
    SseLines fast = SseLines.open(client, url);
    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096);
      slow.connect(new InetSocketAddress("127.0.0.1", server.port()));
      OutputStream out = slow.getOutputStream();
      out.write(("GET /v2/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await().atMost(SOON).until(() -> stream.subscribers() == 2);
      String padding = "x".repeat(4000);
      int published = 0;
      long deadline = System.nanoTime() + SOON.toNanos();
      while (stream.subscribers() == 2 && System.nanoTime() < deadline) {
        for (int i = 0; i < 8; i++) {
          stream.publish("tick", Map.of("n", published++, "padding", padding));
        }
        assertThat(fast.next(3 * 8)).as("the fast client keeps up").contains("event: tick");
      }
      assertThat(stream.subscribers()).as("the slow client is dropped").isEqualTo(1);
      assertThat(stream.droppedClients()).isEqualTo(1);
      // Its connection ends (the server's write timeout): what was sent before can be read, then the end.
      slow.setSoTimeout((int) SOON.toMillis());
      InputStream in = slow.getInputStream();
      byte[] buf = new byte[64 * 1024];
      try {
        while (in.read(buf) >= 0) {
          // reading what the socket buffers held
        }
      } catch (java.net.SocketException reset) {
        // the server closed it with data unread: a reset is an end too
      }
    }
  }

  private static Request request() {
    return new Request("GET", "/v2/events", null, Map.of(), new InetSocketAddress("127.0.0.1", 40000), null, null, null);
  }

  private static Flow.Publisher<List<ByteBuffer>> publisher(Response r) {
    return ((Response.Streamed) r.body()).publisher();
  }

  /** A subscriber that asks for {@code demand} pieces and keeps what it gets. */
  private static final class Recorder implements Flow.Subscriber<List<ByteBuffer>> {
    private final long demand;
    private final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
    volatile Throwable error;

    Recorder(long demand) {
      this.demand = demand;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      if (demand > 0) {
        s.request(demand);
      }
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> item) {
      for (ByteBuffer b : item) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        received.write(bytes, 0, bytes.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onComplete() {}

    synchronized byte[] bytes() {
      return received.toByteArray();
    }
  }
}
