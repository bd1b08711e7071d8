package io.corral.executor.health;

import io.corral.protocol.HealthCheck;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET <scheme>://127.0.0.1:<port><path>}: passes when the status is one of the expected ones
 * (any of 200-399 when none are named). The body is not read. HTTPS is not verified (the client
 * given trusts any certificate), as in Mesos: the check asks whether the task serves, not who it is.
 */
final class HttpProbe implements Probe {
  private final HttpClient client;
  private final URI uri;
  private final List<Integer> statuses;
  private final Duration timeout;

  HttpProbe(HealthCheck.HttpCheck check, HttpClient client, Duration timeout) {
    this.client = client;
    String scheme = check.getScheme().isEmpty() ? "http" : check.getScheme();
    String path = check.getPath().isEmpty() ? "/" : check.getPath();
    this.uri = URI.create(scheme + "://127.0.0.1:" + check.getPort() + path);
    this.statuses = List.copyOf(check.getStatusesList());
    this.timeout = timeout;
  }

  @Override
  public String what() {
    return "HTTP GET " + uri;
  }

  @Override
  public Run start() {
    HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(timeout)
        .header("User-Agent", "corral-health-check").build();
    CompletableFuture<HttpResponse<Void>> exchange;
    try {
      exchange = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    } catch (RuntimeException e) {
      return new Run(CompletableFuture.completedFuture(CheckResult.failed(what() + ": " + e.getMessage())), () -> {});
    }
    CompletableFuture<CheckResult> result = exchange.handle((response, error) -> response != null
        ? judge(response.statusCode())
        : CheckResult.failed(what() + ": " + ProbeErrors.describe(error, timeout)));
    return new Run(result, () -> exchange.cancel(true));
  }

  private CheckResult judge(int status) {
    boolean ok = statuses.isEmpty() ? status >= 200 && status <= 399 : statuses.contains(status);
    String message = what() + ": " + status;
    return ok ? CheckResult.passed(message) : CheckResult.failed(message);
  }
}
