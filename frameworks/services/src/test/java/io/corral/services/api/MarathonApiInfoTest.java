package io.corral.services.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Groups, info, leader, ping and metrics on a real HTTP server. */
class MarathonApiInfoTest {
  private ApiServer api;
  private ApiClient client;

  @BeforeEach
  void start() throws IOException {
    api = new ApiServer();
    client = api.client;
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void groupsAreTheTreeOfTheAppsIds() {
    client.send("POST", "/v2/apps", "{\"id\": \"/top\", \"cmd\": \"sleep 1\"}");
    client.send("POST", "/v2/apps", "{\"id\": \"/eng/web\", \"cmd\": \"sleep 1\"}");
    client.send("POST", "/v2/apps", "{\"id\": \"/eng/data/hdfs\", \"cmd\": \"sleep 1\"}");
    JsonNode root = client.get("/v2/groups").json();
    assertThat(root.get("id").asText()).isEqualTo("/");
    assertThat(root.get("apps").get(0).get("id").asText()).isEqualTo("/top");
    JsonNode eng = root.get("groups").get(0);
    assertThat(eng.get("id").asText()).isEqualTo("/eng");
    assertThat(eng.get("apps").get(0).get("id").asText()).isEqualTo("/eng/web");
    assertThat(eng.get("groups").get(0).get("id").asText()).isEqualTo("/eng/data");
    assertThat(eng.get("groups").get(0).get("apps").get(0).get("id").asText()).isEqualTo("/eng/data/hdfs");
    assertThat(root.get("dependencies").isArray()).isTrue();
    assertThat(root.get("version").asText()).matches(MarathonApiAppsTest.TIMESTAMP);
    assertThat(client.get("/v2/groups/eng/data").json().get("apps").size()).isEqualTo(1);
    ApiClient.Answer none = client.get("/v2/groups/ops");
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.body()).isEqualTo("{\"message\":\"Group '/ops' does not exist\"}");
  }

  @Test
  void infoAndLeaderInMarathonsShape() {
    JsonNode info = client.get("/v2/info").json();
    assertThat(info.get("name").asText()).isEqualTo("corral-services");
    assertThat(info.get("leader").asText()).isEqualTo("svc1.example.com:8080");
    assertThat(info.get("elected").asBoolean()).isTrue();
    assertThat(info.get("frameworkId").asText()).isEqualTo("fw-1");
    assertThat(info.get("marathon_config").get("master").asText()).isEqualTo("zk://zk1:2181/corral");
    assertThat(info.get("marathon_config").get("framework_name").asText()).isEqualTo("corral-services");
    assertThat(info.get("marathon_config").get("ha").asBoolean()).isTrue();
    assertThat(info.get("zookeeper_config").get("zk").asText()).isEqualTo("zk://zk1:2181/corral-services");
    assertThat(info.get("http_config").get("http_port").asInt()).isEqualTo(8080);
    assertThat(client.get("/v2/leader").body()).isEqualTo("{\"leader\":\"svc1.example.com:8080\"}");
    api.backend.noLeader();
    ApiClient.Answer none = client.get("/v2/leader");
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.body()).isEqualTo("{\"message\":\"There is no leader\"}");
  }

  @Test
  void eventsGoToTheStreamTheWiringGives() throws IOException {
    assertThat(client.get("/v2/events").status()).isEqualTo(404);
    try (ApiServer withEvents = new ApiServer(r -> Answers.text(200, "event: deployment_info\ndata: {}\n\n"))) {
      ApiClient.Answer a = withEvents.client.get("/v2/events");
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.body()).startsWith("event: deployment_info");
    }
  }

  @Test
  void pingAndMetrics() {
    ApiClient.Answer ping = client.get("/ping");
    assertThat(ping.status()).isEqualTo(200);
    assertThat(ping.body()).isEqualTo("pong");
    assertThat(ping.header("Content-Type")).startsWith("text/plain");
    client.send("POST", "/v2/apps", "{\"id\": \"/eng/web\", \"cmd\": \"sleep 1\"}");
    JsonNode metrics = client.get("/metrics").json();
    assertThat(metrics.get("version").asText()).isEqualTo("4.0.0");
    assertThat(metrics.get("gauges").get("marathon.apps.active.gauge").get("value").asInt()).isEqualTo(1);
    assertThat(metrics.get("gauges").get("marathon.deployments.active.gauge").get("value").asInt()).isEqualTo(1);
    assertThat(metrics.get("counters").isObject()).isTrue();
    assertThat(metrics.get("timers").isObject()).isTrue();
  }
}
