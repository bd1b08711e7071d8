package io.corral.frameworks.common.http;

import io.corral.common.loop.EventLoop;
import io.corral.http.ApiException;
import io.corral.http.Request;
import io.corral.http.Response;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-sent events to any number of clients (Marathon's {@code /v2/events}): a client subscribes
 * with a {@code GET} that accepts {@code text/event-stream} ({@link #subscribe}), and gets each event
 * published from then on as {@code event: <type>\ndata: <json>\n\n}, those of the types it asked for
 * (none named: all), and a comment line every keep-alive interval so that proxies, the server's own
 * write timeout and the client see a live connection.
 *
 * <p>Publishing never waits for a client: each has a queue of at most {@code maxBufferedBytes}
 * ({@link EventClient}); one that reads too slowly to keep within it is disconnected, and counted
 * ({@link #droppedClients}). {@link #close} ends every stream cleanly (the answers end; clients see
 * the end of the stream, not a reset). Thread-safe: publish from any thread.
 */
public final class EventStream implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
  /** How often an idle stream gets a comment line. */
  public static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  /** The events a client may have waiting before it counts as too slow. */
  public static final int MAX_BUFFERED_BYTES = 1 << 20;
  private static final ByteBuffer KEEP_ALIVE_FRAME =
      ByteBuffer.wrap(":keep-alive\n\n".getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();

  private final int maxBufferedBytes;
  private final Map<EventClient, Runnable> clients = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final EventLoop.Cancellable keepAlive;
  private volatile boolean closed;

  /**
   * @param timers runs the keep-alive every {@code keepAlive} (a daemon's loop; a manual one in tests)
   */
  public EventStream(EventLoop timers, Duration keepAlive, int maxBufferedBytes) {
    if (maxBufferedBytes <= 0) {
      throw new IllegalArgumentException("maxBufferedBytes must be positive: " + maxBufferedBytes);
    }
    this.maxBufferedBytes = maxBufferedBytes;
    this.keepAlive = timers.scheduleWithFixedDelay(keepAlive, this::keepAlive);
  }

  /** Answers a subscription: the stream of the events of {@code eventTypes} (empty: all), from now on. */
  public Response subscribe(Request request, Set<String> eventTypes) {
    return subscribe(request, eventTypes, () -> {});
  }

  /**
   * Answers a subscription; {@code detached} runs once when the client is gone (it left, was too
   * slow, or the stream closed), on whichever thread saw it go: keep it short.
   */
  public Response subscribe(Request request, Set<String> eventTypes, Runnable detached) {
    String accept = request.header("Accept");
    if (accept != null && !accept.contains("text/event-stream") && !accept.contains("*/*")
        && !accept.contains("text/*")) {
      throw new ApiException(406, "this is a stream of server-sent events: ask for it with Accept: text/event-stream");
    }
    if (closed) {
      throw new ApiException(503, "the event stream is shutting down");
    }
    EventClient client = new EventClient(eventTypes, maxBufferedBytes, this::gone);
    clients.put(client, detached);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "text/event-stream");
    headers.put("Cache-Control", "no-cache, no-store");
    return new Response(200, headers, new Response.Streamed(client, -1));
  }

  /** Publishes {@code event} (written as JSON, {@link PeerJson}) as an event of {@code type}. */
  public void publish(String type, Object event) {
    publishJson(type, PeerJson.write(event));
  }

  /** Publishes an event of {@code type} whose data is {@code json}. */
  public void publishJson(String type, byte[] json) {
    ByteBuffer frame = frame(type, json);
    for (EventClient c : clients.keySet()) {
      if (c.wants(type)) {
        offer(c, frame);
      }
    }
  }

  private void keepAlive() {
    for (EventClient c : clients.keySet()) {
      offer(c, KEEP_ALIVE_FRAME);
    }
  }

  private void offer(EventClient c, ByteBuffer frame) {
    if (c.offer(frame) == EventClient.Offer.TOO_SLOW) {
      dropped.incrementAndGet();
      LOG.warn("an event stream client read too slowly (more than {} bytes of events waited for it): disconnected",
          maxBufferedBytes);
      gone(c);
    }
  }

  private void gone(EventClient c) {
    Runnable detached = clients.remove(c);
    if (detached != null) {
      detached.run();
    }
  }

  /** One event as the stream carries it; each line of {@code json} its own {@code data:} line. */
  static ByteBuffer frame(String type, byte[] json) {
    if (type.indexOf('\n') >= 0 || type.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("an event type is one line: " + type);
    }
    StringBuilder out = new StringBuilder(json.length + type.length() + 16).append("event: ").append(type).append('\n');
    for (String line : new String(json, StandardCharsets.UTF_8).split("\r\n|\r|\n", -1)) {
      out.append("data: ").append(line).append('\n');
    }
    return ByteBuffer.wrap(out.append('\n').toString().getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
  }

  /** How many clients are subscribed. */
  public int subscribers() {
    return clients.size();
  }

  /** How many clients were disconnected for reading too slowly. */
  public long droppedClients() {
    return dropped.get();
  }

  /** The bytes of events waiting for their clients, all clients together. */
  public long bufferedBytes() {
    return clients.keySet().stream().mapToLong(EventClient::queuedBytes).sum();
  }

  /** Ends every client's stream (once what waits for it is sent) and takes no more subscriptions. */
  @Override
  public void close() {
    closed = true;
    keepAlive.cancel();
    for (EventClient c : clients.keySet()) {
      c.complete();
    }
  }
}
