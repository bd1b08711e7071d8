package io.corral.bridges.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for the tests: JSON in, status and JSON out; never follows redirects. */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private Http() {}

  /** An answer: its status, the Location header (if any), and the body. */
  public record Answer(int status, String location, String body, String contentType) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }
  }

  public static Answer get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  /** A POST as the CLI sends it (with the CSRF header the API requires of state-changing requests). */
  public static Answer post(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).header("X-Corral-Request", "test")
        .POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** A POST with a JSON body, as the CLI sends it. */
  public static Answer post(String url, String json) {
    return send(HttpRequest.newBuilder(URI.create(url)).header("X-Corral-Request", "test")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A PUT with a JSON body, as the CLI sends it. */
  public static Answer put(String url, String json) {
    return send(HttpRequest.newBuilder(URI.create(url)).header("X-Corral-Request", "test")
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A DELETE as the CLI sends it. */
  public static Answer delete(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).header("X-Corral-Request", "test").DELETE());
  }

  /** A POST as a form on another site would make a browser send it: no custom header. */
  public static Answer postAsABrowserForm(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("x=1")));
  }

  /**
   * Sends only the headers of a POST announcing {@code contentLength} bytes, and returns the status
   * line the server answers with before any of the body arrives.
   */
  public static String announceBody(String url, long contentLength) {
    URI u = URI.create(url);
    try (java.net.Socket socket = new java.net.Socket(u.getHost(), u.getPort())) {
      socket.setSoTimeout(30_000);
      String head = "POST " + u.getRawPath() + " HTTP/1.1\r\nHost: " + u.getHost() + "\r\nContent-Length: "
          + contentLength + "\r\nContent-Type: application/octet-stream\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
          socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
      return in.readLine();
    } catch (IOException e) {
      throw new AssertionError("raw request failed: " + e, e);
    }
  }

  /** GET, and the JSON of a 200 answer (anything else fails the test). */
  public static JsonNode json(String url) {
    Answer a = get(url);
    if (a.status() != 200) {
      throw new AssertionError("GET " + url + " answered " + a.status() + ": " + a.body());
    }
    return a.json();
  }

  private static Answer send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = CLIENT.send(b.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.headers().firstValue("Location").orElse(null), r.body(),
          r.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      throw new AssertionError("HTTP request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
