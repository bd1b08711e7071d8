package io.corral.executor.health;

import io.corral.protocol.HealthCheck;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.HttpsURLConnection;

/**
 * {@code GET <scheme>://127.0.0.1:<port><path>}: passes when the status is one of the expected ones
 * (any of 200-399 when none are named; redirects are not followed). HTTPS is not verified (neither
 * the certificate nor the host name), as in Mesos: the check asks whether the task serves, not who it
 * is.
 *
 * <p>The request is the JDK's blocking {@link HttpURLConnection} on a worker (as {@link TcpProbe}
 * connects), not the asynchronous {@code java.net.http} client: that client's {@code sendAsync}
 * completes on CompletableFuture's default executor, which starts a new thread for every request
 * where the common pool has a single thread (machines of 2 cores), and even without that costs about
 * three times the CPU per request. The body is read (up to {@value #MOST_BODY_BYTES} bytes, else the
 * connection is dropped), so that a server that keeps connections alive gets its connection back for
 * the next check.
 */
final class HttpProbe implements Probe {
  private static final int MOST_BODY_BYTES = 64 * 1024;

  private final URL url;
  private final String what;
  private final List<Integer> statuses;
  private final Duration timeout;
  private final Executor workers;

  HttpProbe(HealthCheck.HttpCheck check, Duration timeout, Executor workers) {
    String scheme = check.getScheme().isEmpty() ? "http" : check.getScheme();
    String path = check.getPath().isEmpty() ? "/" : check.getPath();
    String spec = scheme + "://127.0.0.1:" + check.getPort() + path;
    try {
      this.url = new URL(spec);
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("not a URL a check can ask: " + spec + " (" + e.getMessage() + ")", e);
    }
    this.what = "HTTP GET " + spec;
    this.statuses = List.copyOf(check.getStatusesList());
    this.timeout = timeout;
    this.workers = workers;
  }

  @Override
  public String what() {
    return what;
  }

  @Override
  public Run start() {
    Exchange exchange = new Exchange();
    CompletableFuture<CheckResult> result = CompletableFuture.supplyAsync(() -> get(exchange), workers);
    return new Run(result, exchange::stop);
  }

  private CheckResult get(Exchange exchange) {
    try {
      HttpURLConnection c = open();
      if (!exchange.begin(c)) {
        return CheckResult.failed(what + ": stopped");
      }
      int status = c.getResponseCode();
      readBody(c, status);
      return judge(status);
    } catch (IOException | RuntimeException e) {
      return CheckResult.failed(what + ": " + ProbeErrors.describe(e, timeout));
    } finally {
      exchange.end();
    }
  }

  private HttpURLConnection open() throws IOException {
    HttpURLConnection c = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
    if (c instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(Probes.trustingTls());
      https.setHostnameVerifier((host, session) -> true);
    }
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    c.setConnectTimeout(millis);
    c.setReadTimeout(millis);
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    c.setRequestProperty("User-Agent", "corral-health-check");
    c.setRequestProperty("Accept", "*/*");
    return c;
  }

  /** Reads the body to its end so the connection may be kept; drops the connection if it is long. */
  private static void readBody(HttpURLConnection c, int status) throws IOException {
    InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
    if (body == null) {
      return;
    }
    try (body) {
      byte[] buffer = new byte[4096];
      long read = 0;
      for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
        read += n;
        if (read > MOST_BODY_BYTES) {
          c.disconnect();
          return;
        }
      }
    }
  }

  private CheckResult judge(int status) {
    boolean ok = statuses.isEmpty() ? status >= 200 && status <= 399 : statuses.contains(status);
    String message = what + ": " + status;
    return ok ? CheckResult.passed(message) : CheckResult.failed(message);
  }

  /**
   * The connection of one check, so that stopping the check (it took too long, or its task ended)
   * closes it from another thread: a stop before it opens keeps it from opening.
   */
  private static final class Exchange {
    private HttpURLConnection connection;
    private boolean stopped;

    synchronized boolean begin(HttpURLConnection c) {
      connection = c;
      return !stopped;
    }

    synchronized void end() {
      connection = null;
    }

    synchronized void stop() {
      stopped = true;
      if (connection != null) {
        connection.disconnect();
      }
    }
  }
}
