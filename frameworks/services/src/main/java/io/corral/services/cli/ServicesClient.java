package io.corral.services.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.command.CliException;
import io.corral.common.security.BasicAuth;
import io.corral.common.security.ClientCredentials;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The services framework's REST API (Marathon's v2) as the {@code corral app} commands reach it.
 * Every failure becomes one {@link CliException} line: the framework's own message (Marathon's
 * {@code {"message": ..., "details": [{"path", "errors"}]}}), or why it could not be reached.
 */
final class ServicesClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient http;
  private final URI base;
  private final String authorization;

  private ServicesClient(URI base, ClientCredentials credentials) {
    this.base = base;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL);
    try {
      if (credentials.secure()) {
        b.sslContext(credentials.tls().sslContext());
      }
      this.authorization = credentials.hasSecret()
          ? BasicAuth.header(credentials.principal(), credentials.secret()) : null;
    } catch (IOException e) {
      throw new CliException(2, e.getMessage());
    }
    this.http = b.build();
  }

  /** A client of the framework serving at {@code url} ({@code http(s)://host:port}). */
  static ServicesClient connect(String url, ClientCredentials credentials) {
    return new ServicesClient(baseUri(url), credentials);
  }

  /** {@code url} as a base URI ending in "/", or a one-line usage error. */
  static URI baseUri(String url) {
    if (url == null || url.isBlank()) {
      throw new CliException(2, "--services is required: the URL `corral services` printed "
          + "(http://host:port), or set CORRAL_SERVICES");
    }
    URI u;
    try {
      u = URI.create(url.endsWith("/") ? url : url + "/");
    } catch (IllegalArgumentException e) {
      throw new CliException(2, "bad --services URL '" + url + "': " + e.getMessage());
    }
    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
      throw new CliException(2, "bad --services URL '" + url + "': expected http://host:port or https://host:port");
    }
    return u;
  }

  JsonNode get(String path) {
    return send(request(path).GET());
  }

  JsonNode post(String path, String body) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  JsonNode put(String path, String body) {
    return send(request(path).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  JsonNode patch(String path, String body) {
    return send(request(path).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  JsonNode delete(String path) {
    return send(request(path).DELETE());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
        .header("Accept", "application/json");
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b;
  }

  private JsonNode send(HttpRequest.Builder request) {
    HttpRequest r = request.build();
    HttpResponse<String> response;
    try {
      response = http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new CliException(1, "cannot reach the services framework at " + base
          + ": connection refused or timed out; is `corral services` running, and is --services right?");
    } catch (HttpTimeoutException e) {
      throw new CliException(1, "the services framework at " + base + " did not answer within "
          + TIMEOUT.toSeconds() + " s");
    } catch (IOException e) {
      throw new CliException(1, "cannot reach the services framework at " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(1, "interrupted");
    }
    JsonNode body = parse(response.body());
    if (response.statusCode() >= 400) {
      throw new CliException(response.statusCode() >= 500 ? 1 : 2,
          ErrorMessages.oneLine(r.method(), r.uri().getPath(), response.statusCode(), body, response.body()));
    }
    return body;
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return JSON.nullNode();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(body);
    }
  }
}
