package io.corral.services.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.corral.command.CommandLines;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code corral app ...} against an HTTP server on a real socket that answers as Marathon's v2 API
 * does, recording what it was asked: the request each command sends and the one line it prints.
 */
class AppCommandTest {
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String answer = "{}";
  private String url;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + (body.isEmpty() ? "" : " " + body));
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private record Run(int exit, String out, String err) {}

  /** Runs {@code corral app <args>}: its standard output, and the error lines the CLI prints. */
  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    java.io.StringWriter err = new java.io.StringWriter();
    PrintStream oldOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      CommandLine cli = CommandLines.withOneLineErrors(new CommandLine(new AppCommand()));
      cli.setErr(new java.io.PrintWriter(err, true));
      int exit = cli.execute(args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(oldOut);
    }
  }

  @Test
  void addPostsTheDefinitionUnchangedAndPrintsTheDeployment(@TempDir Path dir) throws IOException {
    String definition = "{\"id\": \"/eng/web\", \"cmd\": \"python3 -m http.server $PORT0\", \"instances\": 2,"
        + " \"someFutureField\": true}";
    Path file = Files.writeString(dir.resolve("web.json"), definition);
    status = 201;
    answer = "{\"id\": \"/eng/web\", \"instances\": 2, \"deployments\": [{\"id\": \"5ed4c0c5-9ff8\"}]}";

    Run r = run("add", file.toString(), "--services", url);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(requests).containsExactly("POST /v2/apps " + definition);
    assertThat(r.out()).isEqualTo("created /eng/web (deployment 5ed4c0c5-9ff8)" + System.lineSeparator());
  }

  @Test
  void aRefusedDefinitionIsOneLineWithMarathonsDetails(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("bad.json"), "{\"id\": \"/eng/web\", \"instances\": -1}");
    status = 422;
    answer = "{\"message\": \"Object is not valid\", \"details\": [{\"path\": \"/instances\", \"errors\": "
        + "[\"must be greater than or equal to 0\"]}, {\"path\": \"/\", \"errors\": [\"AppDefinition must either "
        + "contain one of 'cmd' or 'args', and/or a 'container'.\"]}]}";

    Run r = run("add", file.toString(), "--services", url);

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip()).doesNotContain("\n").contains("422").contains("Object is not valid")
        .contains("/instances: must be greater than or equal to 0")
        .contains("contain one of 'cmd' or 'args'");
  }

  @Test
  void aFileThatIsNotJsonIsRefusedBeforeAnyRequest(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("bad.json"), "{\"id\": ");

    Run r = run("add", file.toString(), "--services", url);

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).doesNotContain("\n").startsWith("app add: ").contains("is not JSON");
    assertThat(requests).isEmpty();
    assertThat(run("add", dir.resolve("missing.json").toString(), "--services", url).err()).contains("no such file");
  }

  @Test
  void listPrintsOneRowPerApp() {
    answer = "{\"apps\": [{\"id\": \"/eng/web\", \"instances\": 3, \"tasksRunning\": 2, \"tasksHealthy\": 2,"
        + " \"cpus\": 0.5, \"mem\": 64, \"healthChecks\": [{\"protocol\": \"HTTP\"}], \"deployments\": [{\"id\": \"d1\"}]},"
        + " {\"id\": \"/batch\", \"instances\": 1, \"tasksRunning\": 1, \"tasksHealthy\": 0, \"cpus\": 1, \"mem\": 128,"
        + " \"healthChecks\": [], \"deployments\": []}]}";

    Run r = run("list", "--services", url);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(requests).containsExactly("GET /v2/apps");
    assertThat(r.out().lines()).containsExactly(
        "ID        RUNNING  HEALTHY  CPUS  MEM  DEPLOYMENTS",
        "/eng/web  2/3      2        0.5   64   1",
        "/batch    1/1      -        1     128  0");
  }

  @Test
  void scaleRestartAndRemoveSendMarathonsRequests() {
    answer = "{\"version\": \"2026-12-07T12:00:00.000Z\", \"deploymentId\": \"d2\"}";

    assertThat(run("scale", "/eng/web", "3", "--services", url).out()).startsWith("scaling /eng/web to 3 (deployment d2)");
    assertThat(run("scale", "eng/web", "0", "--force", "--services", url + "/").exit()).isZero();
    assertThat(run("restart", "/eng/web", "--services", url).out()).startsWith("restarting /eng/web (deployment d2)");
    assertThat(run("remove", "/eng/web/", "--services", url).out()).startsWith("removing /eng/web (deployment d2)");

    assertThat(requests).containsExactly(
        "PATCH /v2/apps/eng/web {\"instances\":3}",
        "PATCH /v2/apps/eng/web?force=true {\"instances\":0}",
        "POST /v2/apps/eng/web/restart {}",
        "DELETE /v2/apps/eng/web");
  }

  @Test
  void anUnknownAppIsOneLine() {
    status = 404;
    answer = "{\"message\": \"App '/nope' does not exist\"}";

    Run r = run("remove", "/nope", "--services", url);

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).doesNotContain("\n").contains("404 App '/nope' does not exist");
  }

  @Test
  void noServicesOrAnUnreachableOneIsOneLine() throws IOException {
    Run none = run("list");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err().strip()).doesNotContain("\n").contains("--services is required");

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Run unreachable = run("list", "--services", "http://127.0.0.1:" + closed);
    assertThat(unreachable.exit()).isEqualTo(1);
    assertThat(unreachable.err().strip()).doesNotContain("\n").contains("cannot reach the services framework");

    assertThat(run("list", "--services", "ftp://x").err()).contains("bad --services URL");
    assertThat(run("scale", "/eng/web", "-1", "--services", url).exit()).isEqualTo(2);
    assertThat(run("scale", "/eng web", "1", "--services", url).err()).contains("bad app id");
    assertThat(requests).isEmpty();
  }
}
