package io.corral.fetcher;

import io.corral.common.loop.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Downloads {@code http://} and {@code https://} URIs with {@link HttpClient}: redirects
 * followed (not from https to http), a connect timeout, a stall timeout (nothing received for
 * {@link FetcherConfig#stallTimeout()}), a total timeout, and the size checked against
 * Content-Length and the limit before and while reading.
 */
final class HttpDownloader implements Downloader {
  private static final int BUFFER = 64 * 1024;
  private static final String CANCELLED = "cancelled";

  private final FetcherConfig config;
  private final EventLoop watchdogs;
  private final LongSupplier nanoTime;
  private final HttpClient client;
  // The body each thread is reading: closed by abort(), since JDK 17's body stream ignores interrupts.
  private final Map<Thread, Transfer> active = new ConcurrentHashMap<>();

  /**
   * @param watchdogs runs the checks for stalled and overlong downloads
   * @param nanoTime the watchdogs' time (monotonic, in nanoseconds)
   */
  HttpDownloader(FetcherConfig config, EventLoop watchdogs, LongSupplier nanoTime) {
    this.config = config;
    this.watchdogs = watchdogs;
    this.nanoTime = nanoTime;
    this.client = HttpClient.newBuilder()
        .connectTimeout(config.connectTimeout())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  @Override
  public long download(URI uri, Path dest, long maxBytes) throws FetchException, InterruptedException {
    String value = uri.toString();
    long start = nanoTime.getAsLong();
    Duration firstByte = min(config.stallTimeout(), config.totalTimeout());
    HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(firstByte)
        .header("User-Agent", "corral-fetcher").build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpConnectTimeoutException e) {
      throw new FetchException(value, "timed out connecting after " + seconds(config.connectTimeout()), e);
    } catch (HttpTimeoutException e) {
      throw new FetchException(value, "no response within " + seconds(firstByte), e);
    } catch (ConnectException e) {
      if (unresolved(e)) {
        throw new FetchException(value, unknownHost(uri.getHost()), e);
      }
      int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      throw new FetchException(value, "cannot connect to " + uri.getHost() + ":" + port + ": "
          + (e.getMessage() == null ? "connection refused" : e.getMessage()), e);
    } catch (IOException e) {
      if (unresolved(e)) {
        throw new FetchException(value, unknownHost(uri.getHost()), e);
      }
      throw new FetchException(value, "HTTP request failed: " + describe(e), e);
    } catch (IllegalArgumentException e) {
      throw new FetchException(value, "unsupported URI: " + e.getMessage(), e);
    }
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status != 200) {
        throw new FetchException(value, status == 404 ? "not found (HTTP 404)" : "HTTP status " + status);
      }
      long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (announced > maxBytes) {
        throw new FetchException(value, "too large: " + announced + " bytes announced, the limit is " + maxBytes);
      }
      return copy(value, body, dest, announced, maxBytes, start);
    } catch (IOException e) {
      throw new FetchException(value, "HTTP download failed: " + describe(e), e);
    }
  }

  /** Stops the download that {@code thread} is running, if any: it ends with an InterruptedException. */
  void abort(Thread thread) {
    Transfer transfer = active.get(thread);
    if (transfer != null) {
      transfer.kill(CANCELLED);
    }
  }

  /** One body being read, when data last came, and why it was closed under the reader (null: it was not). */
  private static final class Transfer {
    final InputStream body;
    final AtomicReference<String> killed = new AtomicReference<>();
    final AtomicLong lastData;

    Transfer(InputStream body, long now) {
      this.body = body;
      this.lastData = new AtomicLong(now);
    }

    void kill(String reason) {
      if (killed.compareAndSet(null, reason)) {
        try {
          body.close(); // wakes up the reader
        } catch (IOException ignored) {
          // the reader fails either way
        }
      }
    }
  }

  /** Copies the body under a watchdog that closes it when it stalls or runs out of time. */
  private long copy(String value, InputStream body, Path dest, long announced, long maxBytes, long start)
      throws FetchException, InterruptedException {
    Transfer transfer = new Transfer(body, nanoTime.getAsLong());
    AtomicLong lastData = transfer.lastData;
    AtomicReference<String> killed = transfer.killed;
    long stall = config.stallTimeout().toNanos();
    long deadline = start + config.totalTimeout().toNanos();
    long period = Math.max(10, Math.min(1000, min(config.stallTimeout(), config.totalTimeout()).toMillis() / 4));
    EventLoop.Cancellable watchdog = watchdogs.scheduleWithFixedDelay(Duration.ofMillis(period), () -> {
      long now = nanoTime.getAsLong();
      if (now - lastData.get() > stall) {
        transfer.kill("stalled: nothing received for " + seconds(config.stallTimeout()));
      } else if (now - deadline > 0) {
        transfer.kill("timed out after " + seconds(config.totalTimeout()));
      }
    });
    Thread reader = Thread.currentThread();
    active.put(reader, transfer);
    if (reader.isInterrupted()) {
      transfer.kill(CANCELLED); // cancelled before abort() could see this transfer: the read would not wake
    }
    long total = 0;
    try (OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      byte[] buffer = new byte[BUFFER];
      for (int n; (n = body.read(buffer)) >= 0; ) {
        lastData.set(nanoTime.getAsLong());
        if (total + n > maxBytes) {
          throw new FetchException(value, "too large: more than " + maxBytes + " bytes (the limit)");
        }
        out.write(buffer, 0, n);
        total += n;
      }
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted() || killed.get() == CANCELLED) {
        throw new InterruptedException("download of " + value + " interrupted");
      }
      if (killed.get() != null) {
        throw new FetchException(value, killed.get() + " (after " + total + " bytes)", e);
      }
      if (announced >= 0 && total < announced) {
        throw new FetchException(value, "incomplete download: received " + total + " of " + announced
            + " bytes (" + describe(e) + ")", e);
      }
      throw new FetchException(value, "download failed after " + total + " bytes: " + describe(e), e);
    } finally {
      watchdog.cancel();
      active.remove(reader);
    }
    if (killed.get() == CANCELLED) {
      throw new InterruptedException("download of " + value + " interrupted");
    }
    if (killed.get() != null) {
      throw new FetchException(value, killed.get() + " (after " + total + " bytes)");
    }
    if (announced >= 0 && total != announced) {
      throw new FetchException(value, "incomplete download: received " + total + " of " + announced + " bytes");
    }
    return total;
  }

  /**
   * Whether a request failed because a host name did not resolve: the JDK's client then throws a
   * {@link ConnectException} without a message, caused by an {@link UnresolvedAddressException}.
   */
  static boolean unresolved(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }

  /** The host that did not resolve: {@code host}, unless it does and a redirect led to one that does not. */
  private static String unknownHost(String host) {
    try {
      InetAddress.getByName(host);
      return "unknown host: a server it was redirected to has a name that does not resolve";
    } catch (UnknownHostException e) {
      return "unknown host " + host;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
