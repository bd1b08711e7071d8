package io.corral.executor.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.corral.executor.CheckProcesses;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.EnvironmentVariable;
import io.corral.protocol.HealthCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The probes against real things: a local HTTP server, TCP ports open and closed, real processes. */
@Timeout(60)
class ProbesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path sandbox;
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;
  private int port;

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(workers);
    server.createContext("/ok", x -> answer(x, 200));
    server.createContext("/moved", x -> answer(x, 302));
    server.createContext("/sick", x -> answer(x, 503));
    server.createContext("/hangs", x -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      answer(x, 200);
    });
    server.start();
    port = server.getAddress().getPort();
  }

  private static void answer(com.sun.net.httpserver.HttpExchange x, int status) throws IOException {
    x.sendResponseHeaders(status, -1);
    x.close();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
    workers.shutdownNow();
  }

  private CheckResult http(String path, Duration timeout, Integer... statuses) throws Exception {
    HealthCheck check = HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP).setHttp(HealthCheck.HttpCheck
        .newBuilder().setPort(port).setPath(path).addAllStatuses(java.util.List.of(statuses))).build();
    return result(check, timeout);
  }

  private CheckResult result(HealthCheck check, Duration timeout) throws Exception {
    Probe p = Probes.of(check, timeout, workers,
        CheckProcesses.in(sandbox, Map.of("GREETING", "hi")));
    return p.start().result().get(30, TimeUnit.SECONDS);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort(); // closed once this returns
    }
  }

  @Test
  void httpPassesOn2xxAnd3xxAndFailsOnOtherStatusesSayingWhich() throws Exception {
    String base = "HTTP GET http://127.0.0.1:" + port;
    assertThat(http("/ok", TIMEOUT)).isEqualTo(CheckResult.passed(base + "/ok: 200"));
    assertThat(http("/moved", TIMEOUT)).as("redirects are not followed: a 3xx passes")
        .isEqualTo(CheckResult.passed(base + "/moved: 302"));
    assertThat(http("/sick", TIMEOUT)).isEqualTo(CheckResult.failed(base + "/sick: 503"));
    assertThat(http("/nothing-here", TIMEOUT)).isEqualTo(CheckResult.failed(base + "/nothing-here: 404"));
    assertThat(http("/ok", TIMEOUT, 204)).as("only the statuses named pass").isEqualTo(CheckResult.failed(base + "/ok: 200"));
    assertThat(http("/sick", TIMEOUT, 503)).isEqualTo(CheckResult.passed(base + "/sick: 503"));
    assertThat(http("", TIMEOUT).message()).as("the path defaults to /").startsWith(base + "/: ");
  }

  @Test
  void httpToAServerThatHangsTimesOutAndToAClosedPortIsRefused() throws Exception {
    assertThat(http("/hangs", Duration.ofMillis(300))).isEqualTo(
        CheckResult.failed("HTTP GET http://127.0.0.1:" + port + "/hangs: timed out after 0.3s"));

    int closed = closedPort();
    HealthCheck check = HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP)
        .setHttp(HealthCheck.HttpCheck.newBuilder().setPort(closed).setPath("/health")).build();
    assertThat(result(check, TIMEOUT)).isEqualTo(
        CheckResult.failed("HTTP GET http://127.0.0.1:" + closed + "/health: connection refused"));
  }

  /**
   * A check runs on the workers it is given and starts no thread of its own. The JDK HTTP client's
   * {@code sendAsync} completes on CompletableFuture's default executor, which starts a new thread for
   * every task when the common pool has one thread (machines of 2 cores): a thread per check, most of
   * the executor's CPU at 200 checks a second.
   */
  @Test
  void anHttpCheckRunsOnTheWorkersGiven() throws Exception {
    ExecutorService named = Executors.newCachedThreadPool(r -> new Thread(r, "probe-worker"));
    try {
      HealthCheck check = HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP)
          .setHttp(HealthCheck.HttpCheck.newBuilder().setPort(port).setPath("/hangs")).build();
      Probe.Run run = Probes.of(check, TIMEOUT, named, CheckProcesses.in(sandbox, Map.of()))
          .start();
      java.util.concurrent.CompletableFuture<String> completedOn =
          run.result().thenApply(r -> Thread.currentThread().getName());
      release.countDown(); // the server answers only now, so the check completes after the test is listening

      assertThat(completedOn.get(30, TimeUnit.SECONDS)).isEqualTo("probe-worker");
      assertThat(run.result().get()).isEqualTo(CheckResult.passed("HTTP GET http://127.0.0.1:" + port + "/hangs: 200"));
    } finally {
      named.shutdownNow();
    }
  }

  @Test
  void httpsPassesWithoutVerifyingTheCertificateOrTheHostName() throws Exception {
    char[] password = "changeit".toCharArray();
    Path store = sandbox.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
        "-alias", "server", "-keyalg", "EC", "-dname", "CN=some-other-host", "-validity", "2")
        .redirectErrorStream(true).start();
    keytool.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(keytool.waitFor()).as("keytool made a self-signed certificate").isZero();
    java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(store)) {
      keys.load(in, password);
    }
    javax.net.ssl.KeyManagerFactory km =
        javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    km.init(keys, password);
    javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
    tls.init(km.getKeyManagers(), null, null);
    com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
        new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
    https.setExecutor(workers);
    https.createContext("/ok", x -> answer(x, 200));
    https.start();
    try {
      int httpsPort = https.getAddress().getPort();
      HealthCheck check = HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP).setHttp(HealthCheck.HttpCheck
          .newBuilder().setScheme("https").setPort(httpsPort).setPath("/ok")).build();
      assertThat(result(check, TIMEOUT))
          .isEqualTo(CheckResult.passed("HTTP GET https://127.0.0.1:" + httpsPort + "/ok: 200"));
    } finally {
      https.stop(0);
    }
  }

  @Test
  void tcpPassesOnAnOpenPortAndFailsOnAClosedOne() throws Exception {
    assertThat(result(tcp(port), TIMEOUT)).isEqualTo(CheckResult.passed("TCP connect to 127.0.0.1:" + port + ": connected"));
    int closed = closedPort();
    assertThat(result(tcp(closed), TIMEOUT))
        .isEqualTo(CheckResult.failed("TCP connect to 127.0.0.1:" + closed + ": connection refused"));
  }

  private static HealthCheck tcp(int port) {
    return HealthCheck.newBuilder().setType(HealthCheck.Type.TCP).setTcp(HealthCheck.TcpCheck.newBuilder().setPort(port))
        .build();
  }

  private static HealthCheck command(String script) {
    return HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND).setCommand(CommandInfo.newBuilder()
        .setValue(script).addEnvironment(EnvironmentVariable.newBuilder().setName("OWN").setValue("mine"))).build();
  }

  @Test
  void aCommandPassesWhenItExitsZeroInTheSandboxWithTheTasksEnvironmentAndItsOwn() throws Exception {
    Files.writeString(sandbox.resolve("ready"), "");
    assertThat(result(command("test -e ready && test \"$GREETING $OWN\" = 'hi mine'"), TIMEOUT))
        .isEqualTo(CheckResult.passed("command exited 0"));
    assertThat(result(command("echo starting; echo 'not ready yet' >&2; exit 1"), TIMEOUT))
        .isEqualTo(CheckResult.failed("command exited 1: starting not ready yet"));
    assertThat(result(command("exit 3"), TIMEOUT)).isEqualTo(CheckResult.failed("command exited 3"));
  }

  @Test
  void aCommandThatIsStoppedIsKilledWithWhatItStarted() throws Exception {
    Path pids = sandbox.resolve("pids");
    Probe p = Probes.of(command("sleep 1000 & echo $! > pids; echo $$ >> pids; wait"), TIMEOUT, workers,
        CheckProcesses.in(sandbox, Map.of()));
    Probe.Run run = p.start();
    await().atMost(TIMEOUT).until(() -> Files.exists(pids) && Files.readAllLines(pids).size() == 2);
    var processes = Files.readAllLines(pids).stream().map(Long::parseLong).map(ProcessHandle::of)
        .flatMap(java.util.Optional::stream).toList();
    assertThat(processes).hasSize(2);

    run.cancel().run();

    await().atMost(TIMEOUT).until(() -> processes.stream().noneMatch(h -> running(h.pid())));
    assertThat(run.result().get(30, TimeUnit.SECONDS).passed()).isFalse();
  }

  @Test
  void whatAFinishedCommandLeftRunningIsKilled() throws Exception {
    assertThat(result(command("sleep 1000 > /dev/null 2>&1 & echo $! > bg; exit 0"), TIMEOUT).passed()).isTrue();
    long pid = Long.parseLong(Files.readString(sandbox.resolve("bg")).trim());
    await().atMost(TIMEOUT).until(() -> !running(pid));
  }

  /** Alive and not a zombie (killed orphans wait for init to reap them). */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException gone) {
      return false;
    }
  }
}
