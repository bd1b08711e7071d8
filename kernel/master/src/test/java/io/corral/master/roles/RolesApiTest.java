package io.corral.master.roles;

import io.corral.common.roles.RoleNames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.http.HttpIo;
import io.corral.master.Master;
import io.corral.master.MasterConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Quotas, weights and the roles list through the HTTP API of a real master (no agents), kept in its work dir. */
@Timeout(60)
class RolesApiTest {
  @TempDir
  Path dir;

  private final HttpClient client = HttpClient.newHttpClient();
  private Master master;

  @AfterEach
  void stop() {
    if (master != null) {
      master.close();
    }
  }

  private Master start() throws Exception {
    master = new Master(MasterConfig.builder().port(0).httpPort(0).bindHost("127.0.0.1").advertiseHost("127.0.0.1")
        .workDir(dir).roleWeights(Map.of("flag", 5.0, "eng/etl", 7.0)).build()).start();
    return master;
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(master.httpUrl() + path)).header(HttpIo.CSRF_HEADER, "t")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode roles() throws Exception {
    HttpResponse<String> r = send("GET", "api/v1/roles", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return HttpIo.JSON.readTree(r.body()).get("roles");
  }

  private static JsonNode role(JsonNode roles, String name) {
    for (JsonNode r : roles) {
      if (r.get("name").asText().equals(name)) {
        return r;
      }
    }
    return null;
  }

  @Test
  void quotasAndWeightsAreSetListedRemovedAndSurviveARestart() throws Exception {
    start();
    HttpResponse<String> put = send("PUT", "api/v1/quota/eng/etl?force=true",
        "{\"guarantee\": {\"cpus\": 1.5}, \"limit\": {\"cpus\": 2, \"mem\": 1024}}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(send("PUT", "api/v1/weights", "{\"eng\": 2.5, \"eng/etl\": 3}").statusCode()).isEqualTo(200);

    JsonNode roles = roles();
    JsonNode etl = role(roles, "eng/etl");
    assertThat(etl.get("guarantee").toString()).isEqualTo("{\"cpus\":1.5}");
    assertThat(etl.get("limit").toString()).isEqualTo("{\"cpus\":2.0,\"mem\":1024.0}");
    assertThat(etl.get("weight").asDouble()).isEqualTo(3.0); // the runtime weight over --weights
    assertThat(etl.get("allocated").toString()).isEqualTo("{}");
    assertThat(etl.get("offered").toString()).isEqualTo("{}");
    assertThat(etl.get("frameworks").asInt()).isZero();
    assertThat(etl.get("preemptions").asLong()).isZero();
    assertThat(role(roles, "eng").get("weight").asDouble()).isEqualTo(2.5); // an ancestor, listed
    assertThat(role(roles, "eng").get("guarantee").toString()).isEqualTo("{}");
    assertThat(role(roles, "flag").get("weight").asDouble()).isEqualTo(5.0);
    String metrics = send("GET", "metrics", null).body();
    assertThat(metrics).contains("corral_role_limit{role=\"eng/etl\",resource=\"cpus\"} 2.0")
        .contains("corral_role_guarantee{role=\"eng/etl\",resource=\"cpus\"} 1.5")
        .contains("corral_role_weight{role=\"eng\"} 2.5");

    master.close();
    start();
    JsonNode again = roles();
    assertThat(role(again, "eng/etl").get("limit").toString()).isEqualTo("{\"cpus\":2.0,\"mem\":1024.0}");
    assertThat(role(again, "eng/etl").get("weight").asDouble()).isEqualTo(3.0);
    assertThat(role(again, "eng").get("weight").asDouble()).isEqualTo(2.5);

    assertThat(send("DELETE", "api/v1/quota/eng/etl", null).statusCode()).isEqualTo(200);
    assertThat(role(roles(), "eng/etl").get("limit").toString()).isEqualTo("{}");
    assertThat(send("DELETE", "api/v1/quota/eng/etl", null).statusCode()).isEqualTo(404);
  }

  @Test
  void badInputIsA400WithOneReasonAndChangesNothing() throws Exception {
    start();
    assertThat(send("PUT", "api/v1/quota/ok?force=true", "{\"guarantee\": {\"cpus\": 1}}").statusCode()).isEqualTo(200);
    String before = roles().toString();
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("api/v1/quota/-bad", "{\"limit\": {\"cpus\": 1}}");
    cases.put("api/v1/quota/a%20b", "{\"limit\": {\"cpus\": 1}}");
    cases.put("api/v1/quota/a/./b", "{\"limit\": {\"cpus\": 1}}");
    cases.put("api/v1/quota/x", "{\"limit\": {\"cpus\": -1}}");
    cases.put("api/v1/quota/x ", "{\"limit\": {\"cpus\": \"two\"}}");
    cases.put("api/v1/quota/y", "{\"limit\": {\"ports\": 10}}");
    cases.put("api/v1/quota/z", "{\"guarantee\": {\"cpus\": 3}, \"limit\": {\"cpus\": 2}}");
    cases.put("api/v1/quota/w", "{\"guarantee\": {\"cpus\": 3}}"); // no agent: beyond capacity without force
    cases.put("api/v1/quota/v", "{\"guarantee\": {\"cpus\": 1}");
    cases.put("api/v1/quota/u", "{\"guaranty\": {\"cpus\": 1}}");
    cases.put("api/v1/quota/ok/child?force=true", "{\"guarantee\": {\"cpus\": 2}}"); // above its parent's
    cases.put("api/v1/weights", "{\"a\": 0}");
    cases.put("api/v1/weights ", "{\"a\": \"x\"}");
    cases.put("api/v1/weights  ", "{\"a//b\": 1}");
    cases.put("api/v1/weights   ", "[]");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> r = send("PUT", c.getKey().strip().replace(" ", "%20"), c.getValue());
      assertThat(r.statusCode()).as(c + " -> " + r.body()).isEqualTo(400);
      JsonNode error = HttpIo.JSON.readTree(r.body());
      assertThat(error.get("error").asText()).as(c.getKey()).doesNotContain("\n").isNotBlank();
    }
    assertThat(roles().toString()).isEqualTo(before);
    assertThat(send("PUT", "api/v1/quota/z", "{\"guarantee\": {\"cpus\": 3}, \"limit\": {\"cpus\": 2}}").body())
        .contains("above its limit");
    assertThat(send("PUT", "api/v1/quota/w", "{\"guarantee\": {\"cpus\": 3}}").body())
        .contains("beyond the cluster's capacity").contains("force");
    HttpResponse<String> noHeader = client.send(HttpRequest.newBuilder(URI.create(master.httpUrl() + "api/v1/weights"))
        .PUT(HttpRequest.BodyPublishers.ofString("{\"a\": 2}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(noHeader.statusCode()).isEqualTo(403);
    assertThat(roles().toString()).isEqualTo(before);
  }

  @Test
  void theValidatorKeepsTheTreeConsistent() {
    Quota four = new Quota(io.corral.common.resources.Resources.parse("cpus:4"), io.corral.common.resources.Resources.EMPTY);
    Quota three = new Quota(io.corral.common.resources.Resources.parse("cpus:3"), io.corral.common.resources.Resources.EMPTY);
    Quota limit2 = new Quota(io.corral.common.resources.Resources.EMPTY, io.corral.common.resources.Resources.parse("cpus:2"));
    var cluster = io.corral.common.resources.Resources.parse("cpus:10;mem:4096");
    RoleSettings s = RoleSettings.EMPTY.withQuota("eng", four);
    assertThat(QuotaValidator.problem(s, "eng/etl", three, cluster, false)).isNull();
    assertThat(QuotaValidator.problem(s.withQuota("eng/etl", three), "eng/adhoc", three, cluster, false))
        .contains("sub-roles of 'eng' sum to more");
    assertThat(QuotaValidator.problem(s, "other", new Quota(io.corral.common.resources.Resources.parse("cpus:7"),
        io.corral.common.resources.Resources.EMPTY), cluster, false)).contains("beyond the cluster's capacity");
    assertThat(QuotaValidator.problem(s, "other", new Quota(io.corral.common.resources.Resources.parse("cpus:7"),
        io.corral.common.resources.Resources.EMPTY), cluster, true)).isNull();
    assertThat(QuotaValidator.problem(s, "eng", limit2, cluster, false)).isNull();
    assertThat(QuotaValidator.problem(s.withQuota("eng", limit2), "eng/etl", three, cluster, false))
        .contains("above the limit of its parent role 'eng'");
    assertThat(QuotaValidator.problem(s, "*", three, cluster, true)).contains("default role");
    assertThat(QuotaValidator.problem(s, "gpu", new Quota(io.corral.common.resources.Resources.parse("gpus:1"),
        io.corral.common.resources.Resources.EMPTY), cluster, false)).contains("gpus");
    assertThat(RoleNames.ancestors("a/b/c")).isEqualTo(List.of("a/b", "a"));
  }
}
