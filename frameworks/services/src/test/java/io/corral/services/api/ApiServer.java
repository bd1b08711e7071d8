package io.corral.services.api;

import io.corral.http.HttpLimits;
import io.corral.http.Route;
import io.corral.http.server.HttpServer;
import java.io.IOException;
import java.time.Duration;

/** The Marathon API on a real HTTP server (any free port) over an in-memory engine. */
final class ApiServer implements AutoCloseable {
  static final ServicesInfo INFO = new ServicesInfo("corral-services", "0.1.0", "zk://zk1:2181/corral",
      "zk://zk1:2181/corral-services", "corral-services", "services", null, "svc1.example.com", 8080, 0,
      "http://svc1.example.com:8080");

  final InMemoryBackend backend = new InMemoryBackend();
  final HttpServer server;
  final ApiClient client;

  ApiServer() throws IOException {
    this(null);
  }

  /** @param events answers {@code /v2/events}, null for none */
  ApiServer(Route events) throws IOException {
    server = HttpServer.start("127.0.0.1", 0, "services-test", HttpLimits.DEFAULTS,
        new MarathonApi(backend, INFO, Duration.ofSeconds(5), events), null);
    client = new ApiClient(server.port());
  }

  @Override
  public void close() {
    server.close();
  }
}
