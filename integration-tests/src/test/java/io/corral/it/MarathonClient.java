package io.corral.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The services framework's REST API as a Marathon client calls it: plain JSON requests with no
 * header of Corral's own, redirects not followed.
 */
final class MarathonClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  private final String base;

  /** @param base the URL {@code corral services} printed, ending with '/' */
  MarathonClient(String base) {
    this.base = base;
  }

  String base() {
    return base;
  }

  /** An answer: status, headers of interest, body. */
  record Answer(int status, String location, String deploymentId, String contentType, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }
  }

  Answer get(String path) {
    return send(request(path).GET());
  }

  Answer post(String path, String json) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Answer put(String path, String json) {
    return send(request(path).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  Answer delete(String path) {
    return send(request(path).DELETE());
  }

  /** GET, expecting 200 and JSON. */
  JsonNode json(String path) {
    Answer a = get(path);
    if (a.status() != 200) {
      throw new AssertionError("GET " + path + " answered " + a.status() + ": " + a.body());
    }
    return a.json();
  }

  /** {@code GET /v2/apps/{id}?embed=app.tasks}'s {@code app}; empty when the app does not exist (404). */
  Optional<JsonNode> app(String id) {
    Answer a = get("v2/apps" + id + "?embed=app.tasks");
    if (a.status() == 404) {
      return Optional.empty();
    }
    if (a.status() != 200) {
      throw new AssertionError("GET /v2/apps" + id + " answered " + a.status() + ": " + a.body());
    }
    return Optional.of(a.json().get("app"));
  }

  /** Waits until app {@code id} is settled with {@code n} tasks ({@link MarathonApps#isSettled}); returns it. */
  JsonNode settled(String id, int n, Duration within) {
    return org.awaitility.Awaitility.await().atMost(within).until(() -> app(id).orElse(null),
        a -> a != null && MarathonApps.isSettled(a, n));
  }

  /** The ids of the deployments in flight ({@code GET /v2/deployments}). */
  List<String> deploymentIds() {
    List<String> ids = new ArrayList<>();
    json("v2/deployments").forEach(d -> ids.add(d.get("id").asText()));
    return ids;
  }

  /** The ids of the deployments in flight that change app {@code id}. */
  List<String> deploymentsOf(String id) {
    List<String> ids = new ArrayList<>();
    for (JsonNode d : json("v2/deployments")) {
      for (JsonNode a : d.path("affectedApps")) {
        if (a.asText().equals(id)) {
          ids.add(d.get("id").asText());
        }
      }
    }
    return ids;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + (path.startsWith("/") ? path.substring(1) : path)))
        .header("Accept", "application/json").timeout(Duration.ofSeconds(30));
  }

  private static Answer send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.headers().firstValue("Location").orElse(null),
          r.headers().firstValue("Marathon-Deployment-Id").orElse(null),
          r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      throw new AssertionError("HTTP request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
