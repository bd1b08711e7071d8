package io.corral.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.http.HttpIo;
import io.corral.master.core.MasterView;
import io.corral.master.core.OperatorResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The master's HTTP API on a real socket, over a master that records the operator actions it is asked for. */
class MasterHttpServerTest {
  private final List<Duration> drains = new CopyOnWriteArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private MasterHttpServer server;

  @BeforeEach
  void start() throws Exception {
    MasterBackend master = new MasterBackend() {
      @Override
      public boolean leading() {
        return true;
      }

      @Override
      public String phase() {
        return "ACTIVE";
      }

      @Override
      public Optional<String> leaderHttpUrl() {
        return Optional.empty();
      }

      @Override
      public <T> CompletableFuture<T> query(Function<MasterView, T> reader) {
        return CompletableFuture.failedFuture(new IllegalStateException("no state in this test"));
      }

      @Override
      public CompletableFuture<OperatorResult> teardownFramework(String frameworkId) {
        return done("torn down");
      }

      @Override
      public CompletableFuture<OperatorResult> drainAgent(String agentId, Duration grace) {
        drains.add(grace == null ? Duration.ZERO : grace);
        return done("agent " + agentId + " is draining");
      }

      @Override
      public CompletableFuture<OperatorResult> undrainAgent(String agentId) {
        return done("undrained");
      }

      @Override
      public CompletableFuture<OperatorResult> reserve(String agentId,
          io.corral.common.resources.PooledResources wanted) {
        return done("reserved " + wanted);
      }

      @Override
      public CompletableFuture<OperatorResult> unreserve(String agentId,
          io.corral.common.resources.PooledResources wanted) {
        return done("unreserved " + wanted);
      }

      @Override
      public CompletableFuture<OperatorResult> killTask(String frameworkId, String taskId) {
        return done("killed");
      }

      @Override
      public CompletableFuture<OperatorResult> setQuota(String role, io.corral.master.roles.Quota quota,
          boolean force) {
        return done("quota set");
      }

      @Override
      public CompletableFuture<OperatorResult> removeQuota(String role) {
        return done("quota removed");
      }

      @Override
      public CompletableFuture<OperatorResult> setWeights(java.util.Map<String, Double> weights) {
        return done("weights set");
      }

      private CompletableFuture<OperatorResult> done(String message) {
        return CompletableFuture.completedFuture(new OperatorResult(OperatorResult.Outcome.DONE, message));
      }
    };
    server = new MasterHttpServer("127.0.0.1", 0, "127.0.0.1", master,
        new MasterPrometheus(() -> null, () -> true, new AtomicLong(), new AtomicLong()), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header(HttpIo.CSRF_HEADER, "test")
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aReservationNeedsABodyWithRolesAndBadOnesAre400s() throws Exception {
    Map<String, String> bad = Map.of(
        "", "the request has no body",
        "[1]", "the body must be a JSON object with one key",
        "{\"resources\": 4}", "the body must be a JSON object with one key",
        "{\"resources\": \"cpus:1\"}", "every resource to reserve needs its role",
        "{\"resources\": \"cpus(eng//x):1\"}", "role 'eng//x' contains '//'",
        "{\"resources\": \"\"}", "no resources to reserve");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.url() + "api/v1/agents/a1/reserve"))
          .header(HttpIo.CSRF_HEADER, "test").POST(HttpRequest.BodyPublishers.ofString(e.getKey())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(e.getKey() + ": " + r.body()).isEqualTo(400);
      assertThat(HttpIo.JSON.readTree(r.body()).get("error").asText()).contains(e.getValue());
    }
    HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(server.url() + "api/v1/agents/a1/unreserve"))
        .header(HttpIo.CSRF_HEADER, "test")
        .POST(HttpRequest.BodyPublishers.ofString("{\"resources\": \"cpus(eng):1\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(HttpIo.JSON.readTree(ok.body()).get("message").asText()).isEqualTo("unreserved cpus(eng):1");
  }

  @Test
  void aDrainGraceBeyondTheMaximumIsA400ThatNamesIt() throws Exception {
    for (String grace : List.of("106752d", "366d", "999999999999d")) {
      HttpResponse<String> r = send("POST", "api/v1/agents/a1/drain?grace=" + grace);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      JsonNode error = HttpIo.JSON.readTree(r.body());
      assertThat(error.get("error").asText()).isEqualTo("grace must be at most 365d, not " + grace);
      assertThat(error.get("status").asInt()).isEqualTo(400);
    }
    assertThat(drains).as("no drain was started").isEmpty();
    HttpResponse<String> year = send("POST", "api/v1/agents/a1/drain?grace=365d");
    assertThat(year.statusCode()).as(year.body()).isEqualTo(200);
    assertThat(drains).containsExactly(Duration.ofDays(365));
  }

  @Test
  void headIsAnsweredAsGetAndEvery405SaysWhatIsAllowed() throws Exception {
    HttpResponse<String> get = send("GET", "health");
    HttpResponse<String> head = send("HEAD", "health");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length")).isEqualTo(get.headers().firstValue("Content-Length"));
    HttpResponse<String> post = send("POST", "health");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    HttpResponse<String> getDrain = send("GET", "api/v1/agents/a1/drain");
    assertThat(getDrain.statusCode()).isEqualTo(405);
    assertThat(getDrain.headers().firstValue("Allow")).hasValue("POST");
    HttpResponse<String> headDrain = send("HEAD", "api/v1/agents/a1/drain");
    assertThat(headDrain.statusCode()).isEqualTo(405);
    assertThat(headDrain.headers().firstValue("Allow")).hasValue("POST");
  }
}
