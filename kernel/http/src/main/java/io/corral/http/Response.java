package io.corral.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * An answer: status, headers and body. The server adds {@code Content-Length} (or chunked
 * encoding), {@code Connection} and {@code X-Content-Type-Options: nosniff}, and sends no body to
 * a {@code HEAD}. A body that is not in memory is streamed as fast as the client reads it.
 */
public record Response(int status, Map<String, String> headers, Body body) {
  public Response {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("HTTP status " + status);
    }
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    Objects.requireNonNull(body, "body");
  }

  public static Response of(int status, String contentType, byte[] body) {
    return new Response(status, Map.of("Content-Type", contentType), new Bytes(body));
  }

  /** {@code value} as JSON ({@link HttpIo#JSON}: snake_case, nulls left out). */
  public static Response json(int status, Object value) {
    try {
      return of(status, "application/json", HttpIo.JSON.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** Every error answer: {@code {"error": message, "status": status}}. */
  public static Response error(int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("status", status);
    return json(status, body);
  }

  /** A refusal's answer, with the headers it needs. */
  public static Response of(ApiException e) {
    Response r = error(e.status(), e.getMessage());
    for (Map.Entry<String, String> h : e.headers().entrySet()) {
      r = r.withHeader(h.getKey(), h.getValue());
    }
    return r;
  }

  public Response withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Response(status, h, body);
  }

  /** What a response carries; closed by the server once sent, or if it is never sent. */
  public sealed interface Body extends Closeable permits Bytes, FileBody, Streamed {
    /** Its length in bytes, -1 if unknown until the end. */
    long length();

    @Override
    default void close() throws IOException {}
  }

  /** Bytes in memory. */
  public record Bytes(byte[] bytes) implements Body {
    public Bytes {
      Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public long length() {
      return bytes.length;
    }
  }

  /**
   * {@code length} bytes of an open file from its position (a log that grows meanwhile is sent as
   * long as it was; one that shrinks ends the connection). The server closes the channel.
   */
  public record FileBody(SeekableByteChannel channel, long length) implements Body {
    public FileBody {
      Objects.requireNonNull(channel, "channel");
      if (length < 0) {
        throw new IllegalArgumentException("length " + length);
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /**
   * Bytes another party produces (e.g. the JDK HTTP client's answer from an agent), requested one
   * piece at a time as the client reads; {@code length} -1 if not known (sent chunked).
   */
  public record Streamed(Flow.Publisher<List<ByteBuffer>> publisher, long length) implements Body {
    public Streamed {
      Objects.requireNonNull(publisher, "publisher");
    }

    /** Never sent (a HEAD, a client gone): subscribes only to cancel, so the producer lets go. */
    @Override
    public void close() {
      publisher.subscribe(new Flow.Subscriber<>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          s.cancel();
        }

        @Override
        public void onNext(List<ByteBuffer> item) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onComplete() {}
      });
    }
  }
}
