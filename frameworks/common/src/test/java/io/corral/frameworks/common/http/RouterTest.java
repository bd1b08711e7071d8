package io.corral.frameworks.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.http.ApiException;
import io.corral.http.Request;
import io.corral.http.Response;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Paths to routes as Marathon's API needs them: ids that are paths, methods, errors in the API's shape. */
class RouterTest {
  private final Router router = Router.builder(ErrorBody.MESSAGE)
      .get("/v2/apps", (r, p) -> text("all apps"))
      .get("/v2/apps/{id*}", (r, p) -> text("app " + p.get("id")))
      .put("/v2/apps/{id*}", (r, p) -> text("update " + p.get("id")))
      .get("/v2/apps/{id*}/tasks", (r, p) -> text("tasks of " + p.get("id")))
      .delete("/v2/apps/{id*}/tasks/{taskId}", (r, p) -> text("kill " + p.get("taskId") + " of " + p.get("id")))
      .post("/v2/apps/{id*}/restart", (r, p) -> text("restart " + p.get("id")))
      .get("/v2/info", (r, p) -> text("info"))
      .get("/v2/refused", (r, p) -> {
        throw new ApiException(409, "deployment in progress").withHeader("X-Why", "locked");
      })
      .get("/v2/broken", (r, p) -> {
        throw new IllegalStateException("a bug");
      })
      .get("/v2/mapped", (r, p) -> {
        throw new UnsupportedOperationException("not yet");
      })
      .exception(UnsupportedOperationException.class, e -> Response.of(501, "text/plain",
          ("mapped: " + e.getMessage()).getBytes(StandardCharsets.UTF_8)))
      .build();

  private static Response text(String s) {
    return Response.of(200, "text/plain", s.getBytes(StandardCharsets.UTF_8));
  }

  private static Request request(String method, String uri) {
    int q = uri.indexOf('?');
    return new Request(method, q < 0 ? uri : uri.substring(0, q), q < 0 ? null : uri.substring(q + 1), Map.of(),
        new InetSocketAddress("127.0.0.1", 40000), null, null, null);
  }

  private String body(String method, String uri) {
    return body(router.handle(request(method, uri)));
  }

  private static String body(Response r) {
    return new String(((Response.Bytes) r.body()).bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void anIdThatIsAPathResolvesWithWhatFollowsIt() {
    assertThat(body("GET", "/v2/apps")).isEqualTo("all apps");
    assertThat(body("GET", "/v2/apps/eng/web")).isEqualTo("app eng/web");
    assertThat(body("GET", "/v2/apps/eng/web/tasks")).isEqualTo("tasks of eng/web");
    assertThat(body("DELETE", "/v2/apps/eng/web/tasks/eng_web.4f6a-11")).isEqualTo("kill eng_web.4f6a-11 of eng/web");
    assertThat(body("POST", "/v2/apps/eng/web/restart")).isEqualTo("restart eng/web");
    assertThat(body("PUT", "/v2/apps/eng/web")).isEqualTo("update eng/web");
    assertThat(body("GET", "/v2/apps/web/")).as("a trailing slash").isEqualTo("app web");
    assertThat(body("GET", "/v2/apps/eng/my%20web")).as("decoded").isEqualTo("app eng/my web");
  }

  @Test
  void theMostSpecificPatternNamesTheResourceWhichServesTheMethodOrRefusesIt() {
    // Only POST restarts: a GET of .../restart is refused, as JAX-RS (Marathon) refused it, rather
    // than read as an app whose id ends in "restart" (a name Marathon reserves).
    Response get = router.handle(request("GET", "/v2/apps/eng/restart"));
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers()).containsEntry("Allow", "POST");
    assertThat(body("HEAD", "/v2/apps/eng/web")).as("HEAD as GET (the server sends no body)").isEqualTo("app eng/web");
  }

  @Test
  void anUnknownPathIsA404AndAnUnservedMethodA405NamingTheOthersInTheApisShape() {
    Response missing = router.handle(request("GET", "/v2/nothing/here"));
    assertThat(missing.status()).isEqualTo(404);
    assertThat(body(missing)).isEqualTo("{\"message\":\"no such resource: /v2/nothing/here\"}");
    Response wrong = router.handle(request("POST", "/v2/info"));
    assertThat(wrong.status()).isEqualTo(405);
    assertThat(wrong.headers()).containsEntry("Allow", "GET, HEAD");
    assertThat(body(wrong)).isEqualTo("{\"message\":\"method POST is not allowed on /v2/info; use GET, HEAD\"}");
    Response tasks = router.handle(request("PATCH", "/v2/apps/eng/web/tasks/t1"));
    assertThat(tasks.status()).isEqualTo(405);
    assertThat(tasks.headers()).containsEntry("Allow", "DELETE");
  }

  @Test
  void refusalsMappedExceptionsAndFailuresAreAnsweredInTheApisShape() {
    Response refused = router.handle(request("GET", "/v2/refused"));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.headers()).containsEntry("X-Why", "locked");
    assertThat(body(refused)).isEqualTo("{\"message\":\"deployment in progress\"}");
    Response mapped = router.handle(request("GET", "/v2/mapped"));
    assertThat(mapped.status()).isEqualTo(501);
    assertThat(body(mapped)).isEqualTo("mapped: not yet");
    Response broken = router.handle(request("GET", "/v2/broken"));
    assertThat(broken.status()).isEqualTo(500);
    assertThat(body(broken)).isEqualTo("{\"message\":\"internal error: java.lang.IllegalStateException: a bug\"}");
    Response kernel = Router.builder(ErrorBody.CORRAL).build().handle(request("GET", "/x"));
    assertThat(body(kernel)).isEqualTo("{\"error\":\"no such resource: /x\",\"status\":404}");
  }

  @Test
  void aGreedyParameterTakesAsManySegmentsAsLeaveAMatch() {
    PathPattern p = PathPattern.parse("/v2/apps/{id*}/tasks/{taskId}");
    assertThat(p.match(java.util.List.of("v2", "apps", "a", "tasks", "b", "tasks", "t1")))
        .contains(Map.of("id", "a/tasks/b", "taskId", "t1"));
    assertThat(p.match(java.util.List.of("v2", "apps", "tasks", "t1"))).as("an id has one segment at least").isEmpty();
  }
}
