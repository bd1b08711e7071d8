package io.corral.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What an HTTP server grants its clients. Too large: a JSON error (414 URI, 431 headers, 413 body,
 * the body refused from its {@code Content-Length} before it is read). Too slow: a request not
 * whole (head and body) within {@code requestTimeout} of its first byte is answered 408 and its
 * connection closed; a connection with no request under way is closed after {@code idleTimeout};
 * an answer that makes no progress for {@code writeTimeout} (a client that stops reading) ends
 * its connection. Too many: connections beyond {@code maxConnectionsPerAddress} from one address or
 * {@code maxConnections} in all are closed at once; requests beyond {@code workers} running and
 * {@code queuedRequests} waiting are answered 503.
 */
public record HttpLimits(int maxUriChars, int maxHeaderBytes, int maxBodyBytes, Duration requestTimeout,
    Duration idleTimeout, Duration writeTimeout, int maxConnectionsPerAddress, int maxConnections, int workers,
    int queuedRequests) {
  /** The daemons' limits. */
  public static final HttpLimits DEFAULTS = new HttpLimits(HttpIo.MAX_URI_CHARS, 16 * 1024, HttpIo.MAX_BODY_BYTES,
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30), 64, 1024, 8, 64);

  public HttpLimits {
    positive("maxUriChars", maxUriChars);
    positive("maxHeaderBytes", maxHeaderBytes);
    positive("maxBodyBytes", maxBodyBytes);
    positive("maxConnectionsPerAddress", maxConnectionsPerAddress);
    positive("maxConnections", maxConnections);
    positive("workers", workers);
    positive("queuedRequests", queuedRequests); // with none, a worker just done but not yet waiting would refuse
    positive("requestTimeout", requestTimeout);
    positive("idleTimeout", idleTimeout);
    positive("writeTimeout", writeTimeout);
  }

  public HttpLimits withTimeouts(Duration request, Duration idle, Duration write) {
    return new HttpLimits(maxUriChars, maxHeaderBytes, maxBodyBytes, request, idle, write, maxConnectionsPerAddress,
        maxConnections, workers, queuedRequests);
  }

  public HttpLimits withConnections(int perAddress, int total) {
    return new HttpLimits(maxUriChars, maxHeaderBytes, maxBodyBytes, requestTimeout, idleTimeout, writeTimeout,
        perAddress, total, workers, queuedRequests);
  }

  public HttpLimits withWorkers(int threads, int queued) {
    return new HttpLimits(maxUriChars, maxHeaderBytes, maxBodyBytes, requestTimeout, idleTimeout, writeTimeout,
        maxConnectionsPerAddress, maxConnections, threads, queued);
  }

  private static void positive(String name, int n) {
    if (n <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + n);
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
