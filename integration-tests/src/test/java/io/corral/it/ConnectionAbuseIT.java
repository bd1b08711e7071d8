package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.net.HostPort;
import io.corral.protocol.FrameworkInfo;
import io.corral.scheduler.CorralSchedulerDriver;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Abuse of a master process's gRPC port below the level of calls (a sibling of {@link ProtocolFuzzIT}):
 * connections closed before the HTTP/2 handshake cost no stack trace in the log, and more connections
 * from one address than the limit only keep out the ones beyond while they are open: a client refused
 * then gets in as soon as the others close.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConnectionAbuseIT {
  private static final Duration START = Duration.ofSeconds(60);
  /** The master's default limit of connections per remote address is 1024. */
  private static final int OVER_THE_LIMIT = 1100;
  private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  /** An empty SETTINGS frame: length 0, type 4, no flags, stream 0. */
  private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

  private CorralProcess master;
  private Path log;
  private HostPort address;

  @BeforeAll
  void start(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    log = dir.resolve("master.log");
    master = CorralProcess.start(log, "master", "--host", "127.0.0.1", "--port", "0", "--work-dir", dir.resolve("master").toString());
    address = HostPort.parse(master.awaitLine("master: (127\\.0\\.0\\.1:\\d+)", START).group(1));
  }

  @AfterAll
  void stop() {
    if (master != null) {
      master.close();
    }
  }

  @Test
  void halfOpenConnectionsLeaveNoStackTraceInTheLog() throws Exception {
    long before = Files.size(log);
    for (int i = 0; i < 2000; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(address.host(), address.port()), 10_000); // and closed before any preface
      }
    }
    // The master has closed its end of every one of them.
    await().atMost(Duration.ofSeconds(60)).until(() -> OpenSockets.serverSide(address.port()) == 0);
    assertThat(master.isAlive()).isTrue();
    List<String> added = newLines(before);
    assertThat(added).as("lines the master logged for 2,000 half-open connections")
        .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by:") || l.matches("^\\S*Exception.*"));
    assertThat(added.stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))).hasSizeLessThan(3);
  }

  @Test
  void aSchedulerRefusedOverTheLimitGetsInAsSoonAsTheOtherConnectionsClose() throws Exception {
    List<Socket> attacker = new ArrayList<>();
    ListAppender<ILoggingEvent> driverLog = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(CorralSchedulerDriver.class);
    driverLog.start();
    logger.addAppender(driverLog);
    RecordingScheduler s = new RecordingScheduler();
    CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("late").build(),
        address.toString());
    try {
      for (int i = 0; i < OVER_THE_LIMIT; i++) {
        attacker.add(http2Connection());
      }
      driver.start();
      await().atMost(START).until(() -> driverLog.list.stream()
          .anyMatch(e -> e.getFormattedMessage().contains("RESOURCE_EXHAUSTED")));
      assertThat(s.frameworkId()).isNull();

      for (Socket a : attacker) {
        a.close();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> s.frameworkId() != null);
    } finally {
      logger.detachAppender(driverLog);
      for (Socket a : attacker) {
        a.close();
      }
      driver.stop();
      driver.join();
    }
  }

  /** An HTTP/2 connection through its handshake (the master has acknowledged its settings), then idle. */
  private Socket http2Connection() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(address.host(), address.port()), 10_000);
    s.setSoTimeout(30_000);
    OutputStream out = s.getOutputStream();
    out.write(HTTP2_PREFACE);
    out.write(EMPTY_SETTINGS);
    out.flush();
    DataInputStream in = new DataInputStream(s.getInputStream());
    while (true) {
      int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      in.readInt();
      in.skipNBytes(length);
      if (type == 4 && (flags & 1) != 0) {
        return s;
      }
    }
  }

  private List<String> newLines(long from) throws IOException {
    byte[] all = Files.readAllBytes(log);
    return new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8).lines().toList();
  }

  /** TCP sockets of this host, from /proc/net/tcp and tcp6. */
  static final class OpenSockets {
    private OpenSockets() {}

    /** Server-side sockets of {@code port} still established or waiting for their owner to close them. */
    static long serverSide(int port) throws IOException {
      long n = 0;
      for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
        Path p = Path.of(table);
        if (!Files.exists(p)) {
          continue;
        }
        List<String> lines = Files.readAllLines(p);
        for (String line : lines.subList(1, lines.size())) {
          String[] f = line.trim().split("\\s+");
          String local = f[1];
          int localPort = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
          String state = f[3];
          if (localPort == port && (state.equals("01") || state.equals("08"))) { // ESTABLISHED, CLOSE_WAIT
            n++;
          }
        }
      }
      return n;
    }
  }
}
