package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.local.LocalCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Slow and idle HTTP clients against a live cluster's master and agent (a sibling of
 * {@link ProtocolFuzzIT}): request heads trickled a byte at a time, connections that send nothing,
 * bodies trickled, large downloads never read, and a flood of connections from one address. While
 * they are held, {@code /health}, {@code /metrics} and {@code /api/v1/state} answer within a second;
 * each server cuts the tricklers off at its request deadline; connections beyond the bound for
 * one address are closed at once while another address is served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SlowHttpClientsIT {
  private static final Duration FAST = Duration.ofSeconds(1);
  /** How long the probes run while the slow clients are held. */
  private static final Duration SIEGE = Duration.ofSeconds(4);
  /** The servers' request deadline (10 s) with room for a busy machine. */
  private static final Duration CUT_OFF = Duration.ofSeconds(25);
  private static final String BIG_FILE = "slow-readers/big.bin";

  private LocalCluster cluster;
  private String masterUrl;
  private String agentUrl;
  private String agentId;
  private final ScheduledExecutorService trickle = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "trickle");
    t.setDaemon(true);
    return t;
  });

  @BeforeAll
  void start(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    cluster = TestClusters.inProcess(dir, 1, "cpus:1;mem:512").start();
    masterUrl = cluster.master().httpUrl();
    agentId = cluster.inProcessAgent(0).agentId();
    agentUrl = "http://127.0.0.1:" + cluster.inProcessAgent(0).httpPort() + "/";
    // A large file in the agent's sandboxes (sparse: nothing written) for the downloads no one reads.
    Path big = dir.resolve("agent-0").resolve("frameworks").resolve(BIG_FILE);
    Files.createDirectories(big.getParent());
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(1L << 30);
    }
  }

  @AfterAll
  void stop() throws Exception {
    trickle.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void slowAndIdleClientsNeverMakeTheMasterOrTheAgentUnavailable() throws Exception {
    CompletableFuture<Void> master = CompletableFuture.runAsync(() -> siege("master", masterUrl,
        "api/v1/agents/" + agentId + "/proxy/api/v1/files/download?path=" + BIG_FILE));
    CompletableFuture<Void> agent = CompletableFuture.runAsync(() -> siege("agent", agentUrl,
        "api/v1/files/download?path=" + BIG_FILE));
    CompletableFuture.allOf(master, agent).get();
  }

  @Test
  void aFloodFromOneAddressIsBoundedAndAnotherAddressIsServed() throws Exception {
    CompletableFuture<Void> master = CompletableFuture.runAsync(() -> flood("master", masterUrl));
    CompletableFuture<Void> agent = CompletableFuture.runAsync(() -> flood("agent", agentUrl));
    CompletableFuture.allOf(master, agent).get();
  }

  /**
   * Holds 8 trickling heads, 8 idle connections, 4 trickling bodies and 4 unread downloads against
   * one server while probing it; then waits for the server to cut the trickling ones off.
   */
  private void siege(String who, String base, String download) {
    URI uri = URI.create(base);
    List<Socket> trickling = new ArrayList<>();
    List<Socket> all = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket s = connect(uri, null, 0);
        write(s, "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        trickling.add(s);
      }
      for (int i = 0; i < 4; i++) {
        Socket s = connect(uri, null, 0);
        write(s, "POST /api/v1/state HTTP/1.1\r\nHost: x\r\nX-Corral-Request: 1\r\nContent-Length: 60000\r\n\r\n");
        trickling.add(s);
      }
      for (Socket s : trickling) {
        trickle.scheduleWithFixedDelay(() -> {
          try {
            write(s, "a");
          } catch (IOException e) {
            // cut off by the server: what it should do
          }
        }, 300, 300, TimeUnit.MILLISECONDS);
      }
      all.addAll(trickling);
      for (int i = 0; i < 8; i++) {
        all.add(connect(uri, null, 0));
      }
      for (int i = 0; i < 4; i++) {
        Socket s = connect(uri, null, 4096); // a small window: the server's writes stall at once
        write(s, "GET /" + download + " HTTP/1.1\r\nHost: x\r\n\r\n");
        all.add(s);
      }

      HttpClient client = HttpClient.newBuilder().connectTimeout(FAST).build();
      long end = System.nanoTime() + SIEGE.toNanos();
      int probes = 0;
      while (System.nanoTime() < end) {
        for (String path : List.of("health", "metrics", "api/v1/state")) {
          long t0 = System.nanoTime();
          int status = probe(client, base + path);
          long ms = (System.nanoTime() - t0) / 1_000_000;
          assertThat(status).as("%s /%s while slow clients are held", who, path).isEqualTo(200);
          assertThat(ms).as("%s /%s while slow clients are held (ms)", who, path).isLessThan(FAST.toMillis());
          probes++;
        }
      }
      System.out.printf("slow clients: %s answered %d probes within %s while 24 slow connections were held%n",
          who, probes, FAST);

      long t0 = System.nanoTime();
      await().atMost(CUT_OFF).pollInterval(Duration.ofMillis(200)).until(() ->
          trickling.stream().allMatch(SlowHttpClientsIT::closedByPeer));
      System.out.printf("slow clients: %s cut the tricklers off %.1f s after the probes%n", who,
          (System.nanoTime() - t0) / 1e9);
    } catch (IOException e) {
      throw new AssertionError(who + ": " + e, e);
    } finally {
      all.forEach(SlowHttpClientsIT::closeQuietly);
    }
  }

  /** 200 connections from 127.0.0.1: those over the bound are closed at once; 127.0.0.2 is served meanwhile. */
  private void flood(String who, String base) {
    URI uri = URI.create(base);
    List<Socket> flood = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        flood.add(connect(uri, null, 0));
      }
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
          flood.stream().filter(SlowHttpClientsIT::closedByPeer).count() >= 200 - 64);
      for (int i = 0; i < 5; i++) {
        long t0 = System.nanoTime();
        String status = rawGet(uri, "127.0.0.2", "/health");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(status).as("%s /health from another address during a flood", who).startsWith("HTTP/1.1 200");
        assertThat(ms).as("%s /health from another address during a flood (ms)", who).isLessThan(FAST.toMillis());
      }
    } catch (IOException e) {
      throw new AssertionError(who + ": " + e, e);
    } finally {
      flood.forEach(SlowHttpClientsIT::closeQuietly);
    }
  }

  private static int probe(HttpClient client, String url) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(FAST).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1; // timed out or refused: the assertion names it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The status line of a GET sent from {@code localAddress}. */
  private static String rawGet(URI uri, String localAddress, String path) throws IOException {
    try (Socket s = connect(uri, localAddress, 0)) {
      s.setSoTimeout((int) FAST.toMillis());
      write(s, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      byte[] head = s.getInputStream().readNBytes(15);
      return new String(head, StandardCharsets.US_ASCII);
    } catch (SocketTimeoutException e) {
      return "no answer within " + FAST;
    }
  }

  private static Socket connect(URI uri, String localAddress, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    if (localAddress != null) {
      s.bind(new InetSocketAddress(localAddress, 0));
    }
    s.connect(new InetSocketAddress("127.0.0.1", uri.getPort()), 5000);
    return s;
  }

  private static void write(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Whether the server closed (or reset) the connection; reads away anything it answered first. */
  private static boolean closedByPeer(Socket s) {
    try {
      s.setSoTimeout(1);
      InputStream in = s.getInputStream();
      byte[] buf = new byte[8192];
      while (true) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing
    }
  }
}
