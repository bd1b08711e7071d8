package io.corral.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client on the services' {@code GET /v2/events} (server-sent events, as Marathon's clients read
 * them): every event it receives, in order, with its type (the {@code event:} line) and its data.
 */
final class MarathonEvents implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** An event: its {@code event:} type and its {@code data:} JSON. */
  record Event(String type, JsonNode data) {
    String appId() {
      return data.path("appId").asText(null);
    }

    String planId() {
      return data.path("plan").path("id").asText(null);
    }
  }

  private final InputStream body;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private MarathonEvents(HttpResponse<InputStream> response) {
    this.body = response.body();
    this.reader = new Thread(this::read, "sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Subscribes (the answer's headers have arrived: events published from now on are received);
   * fails unless the answer is 200 with {@code text/event-stream}.
   */
  static MarathonEvents open(String servicesUrl) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(servicesUrl + "v2/events"))
        .header("Accept", "text/event-stream").GET().build();
    HttpResponse<InputStream> r = CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
        .get(30, TimeUnit.SECONDS);
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (r.statusCode() != 200 || !type.startsWith("text/event-stream")) {
      String body = new String(r.body().readNBytes(2000), StandardCharsets.UTF_8);
      r.body().close();
      throw new AssertionError("GET /v2/events answered " + r.statusCode() + " " + type + ": " + body);
    }
    return new MarathonEvents(r);
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String type = null;
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            JsonNode json = MarathonClient.JSON.readTree(data.toString());
            events.add(new Event(type == null ? "message" : type, json));
          }
          type = null;
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          type = line.substring("event:".length()).strip();
        } else if (line.startsWith("data:")) {
          if (data.length() > 0) {
            data.append('\n');
          }
          data.append(line.substring("data:".length()).strip());
        } // comments (":" keep-alives) and other fields are skipped, as an EventSource does
      }
    } catch (IOException e) {
      // closed
    }
  }

  /** Every event received so far, in order. */
  List<Event> events() {
    return List.copyOf(events);
  }

  /** The events of {@code type} received so far that match {@code filter}. */
  List<Event> of(String type, Predicate<Event> filter) {
    return events.stream().filter(e -> e.type().equals(type) && filter.test(e)).toList();
  }

  /** The index of the first event of {@code type} matching {@code filter}; -1 if none yet. */
  int indexOf(String type, Predicate<Event> filter) {
    List<Event> all = events();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).type().equals(type) && filter.test(all.get(i))) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
