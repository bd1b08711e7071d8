package io.corral.services.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.services.api.json.MarathonJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain HTTP client, as Marathon's clients talk to the API: no special headers. */
final class ApiClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  ApiClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** An answer, its body read as text. */
  record Answer(int status, String body, HttpResponse<String> response) {
    JsonNode json() {
      return MarathonJson.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }
  }

  Answer get(String path) {
    return send("GET", path, null);
  }

  Answer send(String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
