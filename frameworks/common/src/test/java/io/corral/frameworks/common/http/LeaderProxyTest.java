package io.corral.frameworks.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.common.loop.ManualEventLoop;
import io.corral.frameworks.common.election.Leadership;
import io.corral.http.HttpLimits;
import io.corral.http.Response;
import io.corral.http.server.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A standby passes requests on to a real leader's server and its answers back; the leader answers itself. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaderProxyTest {
  private static final String LEADER_HEADER = "X-Marathon-Leader";
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ManualEventLoop timers = new ManualEventLoop();
  private final EventStream events = new EventStream(timers, EventStream.KEEP_ALIVE, EventStream.MAX_BUFFERED_BYTES);
  private HttpServer leader;
  private HttpServer standby;
  private String leaderUrl;
  private String standbyUrl;
  private volatile Optional<String> knownLeader = Optional.empty();

  /** The API both serve: the leader's answers say what they were asked. */
  private static Router api(String who, EventStream events) {
    return Router.builder(ErrorBody.MESSAGE)
        .get("/v2/apps", (r, p) -> PeerJson.response(200, Map.of("apps", "of the " + who, "query",
            String.valueOf(r.rawQuery()))))
        .post("/v2/apps", (r, p) -> {
          Map<String, String> seen = new LinkedHashMap<>();
          seen.put("body", new String(r.body(), StandardCharsets.UTF_8));
          seen.put("via", String.valueOf(r.header("Via")));
          seen.put("forwardedFor", String.valueOf(r.header("X-Forwarded-For")));
          seen.put("team", String.valueOf(r.header("X-Team")));
          seen.put("proxyAuthorization", String.valueOf(r.header("Proxy-Authorization")));
          return PeerJson.response(201, seen).withHeader("X-App-Version", "2024-05-01T10:00:00.000Z");
        })
        .delete("/v2/apps/{id*}", (r, p) -> PeerJson.response(409, Map.of("message", "deployment in progress")))
        .get("/v2/events", (r, p) -> events.subscribe(r, Set.of()))
        .get("/ping", (r, p) -> Response.of(200, "text/plain", ("pong from " + who).getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  @BeforeEach
  void start() throws Exception {
    LeaderProxy[] leading = new LeaderProxy[1];
    leader = HttpServer.start("127.0.0.1", 0, "leader", HttpLimits.DEFAULTS, r -> leading[0].handle(r), null);
    leaderUrl = "http://127.0.0.1:" + leader.port();
    leading[0] = LeaderProxy.builder(api("leader", events), Leadership.solo(leaderUrl), leaderUrl)
        .errors(ErrorBody.MESSAGE).leaderHeader(LEADER_HEADER).build();
    LeaderProxy[] proxy = new LeaderProxy[1];
    standby = HttpServer.start("127.0.0.1", 0, "standby", HttpLimits.DEFAULTS, r -> proxy[0].handle(r), null);
    standbyUrl = "http://127.0.0.1:" + standby.port();
    Leadership following = new Leadership() {
      @Override
      public boolean leading() {
        return false;
      }

      @Override
      public Optional<String> leaderUrl() {
        return knownLeader;
      }
    };
    proxy[0] = LeaderProxy.builder(api("standby", events), following, standbyUrl).errors(ErrorBody.MESSAGE)
        .leaderHeader(LEADER_HEADER).servedHere(r -> r.rawPath().equals("/ping")).build();
  }

  @AfterEach
  void stop() {
    events.close();
    standby.close();
    leader.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theLeaderAnswersItselfAndSaysSo() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(leaderUrl + "/v2/apps")));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("of the leader");
    assertThat(r.headers().firstValue(LEADER_HEADER)).contains(leaderUrl);
    assertThat(r.headers().firstValue("Via")).isEmpty();
  }

  @Test
  void aStandbyPassesRequestsWithTheirBodyAndHeadersOnAndTheAnswersBack() throws Exception {
    knownLeader = Optional.of(leaderUrl);
    HttpResponse<String> get = send(HttpRequest.newBuilder(URI.create(standbyUrl + "/v2/apps?embed=apps.tasks")));
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).contains("of the leader").contains("embed=apps.tasks");
    assertThat(get.headers().firstValue(LEADER_HEADER)).contains(leaderUrl);
    assertThat(get.headers().firstValue("Via")).contains("1.1 127.0.0.1:" + standby.port());

    HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create(standbyUrl + "/v2/apps"))
        .header("Content-Type", "application/json").header("X-Team", "eng").header("Proxy-Authorization", "secret")
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"/eng/web\"}")));
    assertThat(post.statusCode()).isEqualTo(201);
    assertThat(post.headers().firstValue("X-App-Version")).contains("2024-05-01T10:00:00.000Z");
    assertThat(post.headers().firstValue("Content-Type")).contains("application/json");
    Map<?, ?> seen = PeerJson.JSON.readValue(post.body(), Map.class);
    assertThat(seen.get("body")).isEqualTo("{\"id\":\"/eng/web\"}");
    assertThat(seen.get("via")).isEqualTo("1.1 127.0.0.1:" + standby.port());
    assertThat(seen.get("forwardedFor")).isEqualTo("127.0.0.1");
    assertThat(seen.get("team")).isEqualTo("eng");
    assertThat(seen.get("proxyAuthorization")).as("a hop-by-hop header stays with its hop").isEqualTo("null");

    HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(standbyUrl + "/v2/apps/eng/web")).DELETE());
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).isEqualTo("{\"message\":\"deployment in progress\"}");

    HttpResponse<String> ping = send(HttpRequest.newBuilder(URI.create(standbyUrl + "/ping")));
    assertThat(ping.body()).as("what every instance answers itself").isEqualTo("pong from standby");
  }

  @Test
  void withoutALeaderOrWithAnUnreachableOneOrInALoopAStandbyAnswersOneLine() throws Exception {
    HttpResponse<String> none = send(HttpRequest.newBuilder(URI.create(standbyUrl + "/v2/apps")));
    assertThat(none.statusCode()).isEqualTo(503);
    assertThat(none.headers().firstValue("Retry-After")).contains("1");
    assertThat(none.body()).isEqualTo("{\"message\":\"no leader is known yet (the instances are electing one); try "
        + "again in a moment\"}");

    knownLeader = Optional.of(standbyUrl); // elected, not serving yet
    assertThat(send(HttpRequest.newBuilder(URI.create(standbyUrl + "/v2/apps"))).statusCode()).isEqualTo(503);

    HttpServer gone = HttpServer.start("127.0.0.1", 0, "gone", HttpLimits.DEFAULTS, r -> null, null);
    String goneUrl = "http://127.0.0.1:" + gone.port();
    gone.close();
    knownLeader = Optional.of(goneUrl);
    HttpResponse<String> unreachable = send(HttpRequest.newBuilder(URI.create(standbyUrl + "/v2/apps")));
    assertThat(unreachable.statusCode()).isEqualTo(502);
    assertThat(unreachable.body()).isEqualTo("{\"message\":\"cannot reach the leader at " + goneUrl
        + ": connection refused\"}");

    knownLeader = Optional.of(leaderUrl);
    HttpResponse<String> loop = send(HttpRequest.newBuilder(URI.create(standbyUrl + "/v2/apps"))
        .header("Via", "1.1 127.0.0.1:" + standby.port()));
    assertThat(loop.statusCode()).isEqualTo(502);
    assertThat(loop.body()).contains("a loop of proxies");
  }

  @Test
  void anEventStreamPassesThroughAStandbyAsItComes() throws Exception {
    knownLeader = Optional.of(leaderUrl);
    SseLines lines = SseLines.open(client, standbyUrl + "/v2/events");
    assertThat(lines.head.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(lines.head.get().headers().firstValue(LEADER_HEADER)).contains(leaderUrl);
    await().atMost(Duration.ofSeconds(20)).until(() -> events.subscribers() == 1);
    events.publish("deployment_step_success", Map.of("id", "d1"));
    assertThat(lines.next(3)).containsExactly("event: deployment_step_success", "data: {\"id\":\"d1\"}", "");
    timers.advance(EventStream.KEEP_ALIVE);
    assertThat(lines.next(2)).containsExactly(":keep-alive", "");
    events.publish("deployment_success", Map.of("id", "d1"));
    assertThat(lines.next(3)).containsExactly("event: deployment_success", "data: {\"id\":\"d1\"}", "");
    events.close();
    assertThat(lines.next()).isEqualTo(SseLines.END);
  }
}
