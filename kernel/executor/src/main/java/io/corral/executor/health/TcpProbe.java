package io.corral.executor.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Opens a TCP connection to {@code 127.0.0.1:<port>} (on a worker) and closes it: passes when it opens. */
final class TcpProbe implements Probe {
  private final int port;
  private final Duration timeout;
  private final Executor workers;

  TcpProbe(int port, Duration timeout, Executor workers) {
    this.port = port;
    this.timeout = timeout;
    this.workers = workers;
  }

  @Override
  public String what() {
    return "TCP connect to 127.0.0.1:" + port;
  }

  @Override
  public Run start() {
    Socket socket = new Socket();
    CompletableFuture<CheckResult> result = CompletableFuture.supplyAsync(() -> {
      try (socket) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) Math.max(1, timeout.toMillis()));
        return CheckResult.passed(what() + ": connected");
      } catch (IOException e) {
        return CheckResult.failed(what() + ": " + ProbeErrors.describe(e, timeout));
      }
    }, workers);
    return new Run(result, () -> close(socket));
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing only stops the connect under way
    }
  }
}
