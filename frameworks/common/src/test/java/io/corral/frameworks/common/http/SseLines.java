package io.corral.frameworks.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real client of an event stream (the JDK's HTTP client), reading its lines as they come. */
final class SseLines implements Flow.Subscriber<String> {
  static final String END = "<end of stream>";
  final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  final CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
  volatile Throwable error;

  static SseLines open(HttpClient client, String url) {
    SseLines s = new SseLines();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET().build();
    client.sendAsync(request, info -> {
      s.head.complete(info);
      return HttpResponse.BodySubscribers.fromLineSubscriber(s);
    }).whenComplete((r, e) -> {
      if (e != null) {
        s.head.completeExceptionally(e);
      }
    });
    return s;
  }

  /** The next line, waiting at most 10 s for it. */
  String next() throws InterruptedException {
    String line = lines.poll(10, TimeUnit.SECONDS);
    assertThat(line).as("a line of the stream within 10 s").isNotNull();
    return line;
  }

  /** The next {@code n} lines. */
  List<String> next(int n) throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(String line) {
    lines.add(line);
  }

  @Override
  public void onError(Throwable t) {
    error = t;
    lines.add("<error: " + t + ">");
  }

  @Override
  public void onComplete() {
    lines.add(END);
  }
}
