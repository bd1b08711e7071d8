package io.corral.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code corral services} as a process of its own ({@code io.corral.cli.CorralMain services} on this
 * JVM's class path), its state in a work dir, its output in a log file there; and the few calls of
 * Marathon's v2 REST API {@link ServicesBenchmark} makes. Closing it stops the process (SIGTERM, then
 * SIGKILL).
 */
final class ServicesProcess implements AutoCloseable {
  private static final Pattern SERVES = Pattern.compile("^services: (https?://\\S+)$", Pattern.MULTILINE);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path log;
  private final String url;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ServicesProcess(Process process, Path log, String url) {
    this.process = process;
    this.log = log;
    this.url = url;
  }

  /** Starts it against {@code master} (host:port) and returns once it prints the URL it serves. */
  static ServicesProcess start(String master, Path dir, Duration timeout) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path log = dir.resolve("services.log");
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-cp", System.getProperty("java.class.path"),
        "io.corral.cli.CorralMain", "services", "--master", master, "--http-port", "0",
        "--work-dir", dir.resolve("state").toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Matcher m = SERVES.matcher(Files.readString(log));
      if (m.find()) {
        return new ServicesProcess(p, log, m.group(1));
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("corral services did not print its URL"
            + (p.isAlive() ? " within " + timeout : " (exited " + p.waitFor() + ")") + "; its output: "
            + tail(log));
      }
      Thread.sleep(100); // polling its output for the line
    }
  }

  long pid() {
    return process.toHandle().pid();
  }

  String url() {
    return url;
  }

  /** POST /v2/apps; fails unless 201. */
  void createApp(String json) throws IOException, InterruptedException {
    expect(201, send(HttpRequest.newBuilder(URI.create(url + "/v2/apps")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))));
  }

  /** PUT /v2/apps/{id} with a partial definition; fails unless 2xx. */
  void updateApp(String id, String json) throws IOException, InterruptedException {
    expect(200, send(HttpRequest.newBuilder(URI.create(url + "/v2/apps" + id))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json))));
  }

  /** DELETE /v2/apps/{id}; fails unless 2xx. */
  void removeApp(String id) throws IOException, InterruptedException {
    expect(200, send(HttpRequest.newBuilder(URI.create(url + "/v2/apps" + id)).DELETE()));
  }

  /** GET /v2/apps/{id}'s {@code app}. */
  JsonNode app(String id) throws IOException, InterruptedException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + "/v2/apps" + id)).GET());
    expect(200, r);
    return JSON.readTree(r.body()).path("app");
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void expect(int status, HttpResponse<String> r) {
    if (r.statusCode() / 100 != status / 100) {
      throw new IllegalStateException(r.request().method() + " " + r.uri() + " answered " + r.statusCode() + ": "
          + r.body());
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        System.out.println("corral services did not stop within 10 s of SIGTERM; killing it");
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The last lines of its output, for a failure's message. */
  String tailOfLog() {
    return tail(log);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private static String javaBin() {
    return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java")).filter(Files::isExecutable)
        .map(Path::toString).orElse("java");
  }
}
