package io.corral.services.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.services.app.AppId;
import io.corral.services.app.TaskView;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tasks and deployments on a real HTTP server, answered as Marathon 1.x answered. */
class MarathonApiTasksTest {
  private static final AppId WEB = new AppId("/eng/web");
  private static final Instant T = Instant.parse("2024-03-01T10:00:05Z");

  private ApiServer api;
  private InMemoryBackend backend;
  private ApiClient client;

  @BeforeEach
  void start() throws IOException {
    api = new ApiServer();
    backend = api.backend;
    client = api.client;
    client.send("POST", "/v2/apps", "{\"id\": \"/eng/web\", \"cmd\": \"sleep 100\", \"instances\": 3}");
    backend.tasks(WEB, List.of(task("eng_web.1", "h1", "TASK_RUNNING"), task("eng_web.2", "h2", "TASK_RUNNING"),
        task("eng_web.3", "h2", "TASK_STAGING")));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static TaskView task(String id, String host, String state) {
    return new TaskView(id, WEB, "agent-" + host, host, List.of(31000), state, T, null, T, null, null);
  }

  @Test
  void tasksAreListedForAllAppsByStatusAndForOneApp() {
    assertThat(client.get("/v2/tasks").json().get("tasks").size()).isEqualTo(3);
    JsonNode running = client.get("/v2/tasks?status=running").json().get("tasks");
    assertThat(running.size()).isEqualTo(2);
    assertThat(running.get(0).get("appId").asText()).isEqualTo("/eng/web");
    assertThat(running.get(0).get("servicePorts").get(0).asInt()).isZero();
    assertThat(client.get("/v2/tasks?status=staging").json().get("tasks").size()).isEqualTo(1);
    assertThat(client.get("/v2/tasks?status%5B%5D=running&status%5B%5D=staging").json().get("tasks").size()).isEqualTo(3);
    assertThat(client.get("/v2/tasks?status=TASK_RUNNING").json().get("tasks").size()).isEqualTo(2);
    assertThat(client.get("/v2/apps/eng/web/tasks").json().get("tasks").size()).isEqualTo(3);
    assertThat(client.get("/v2/apps/eng/none/tasks").status()).isEqualTo(404);
  }

  @Test
  void killingOneTaskAnswersItOrTheScaleDeployment() {
    ApiClient.Answer one = client.send("DELETE", "/v2/apps/eng/web/tasks/eng_web.1", null);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("task").get("id").asText()).isEqualTo("eng_web.1");
    ApiClient.Answer scaled = client.send("DELETE", "/v2/apps/eng/web/tasks/eng_web.2?scale=TRUE", null);
    assertThat(scaled.json().get("deploymentId").asText()).isEqualTo(scaled.header("Marathon-Deployment-Id"));
    assertThat(client.get("/v2/apps/eng/web").json().get("app").get("instances").asInt()).isEqualTo(2);
    ApiClient.Answer unknown = client.send("DELETE", "/v2/apps/eng/web/tasks/eng_web.9", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("{\"message\":\"Task 'eng_web.9' does not exist\"}");
    assertThat(backend.calls()).contains("kill [eng_web.1] scale=false wipe=false force=false",
        "kill [eng_web.2] scale=true wipe=false force=false");
  }

  @Test
  void killingAnAppsTasksByHostOrAll() {
    JsonNode onH2 = client.send("DELETE", "/v2/apps/eng/web/tasks?host=h2", null).json().get("tasks");
    assertThat(onH2.size()).isEqualTo(2);
    assertThat(client.send("DELETE", "/v2/apps/eng/web/tasks?wipe=False", null).json().get("tasks").size()).isEqualTo(3);
    assertThat(backend.calls()).contains("kill [eng_web.2, eng_web.3] scale=false wipe=false force=false");
  }

  @Test
  void killingTasksByIds() {
    ApiClient.Answer killed = client.send("POST", "/v2/tasks/delete", "{\"ids\": [\"eng_web.1\", \"eng_web.3\"]}");
    assertThat(killed.json().get("tasks").size()).isEqualTo(2);
    ApiClient.Answer scaled = client.send("POST", "/v2/tasks/delete?scale=true", "{\"ids\": [\"eng_web.2\"]}");
    assertThat(scaled.json().has("deploymentId")).isTrue();
    ApiClient.Answer bad = client.send("POST", "/v2/tasks/delete", "{\"ids\": \"eng_web.2\"}");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body())
        .isEqualTo("{\"message\":\"Invalid JSON\",\"details\":[{\"path\":\"/ids\",\"errors\":[\"error.expected.jsarray\"]}]}");
    assertThat(client.send("POST", "/v2/tasks/delete?scale=maybe", "{\"ids\": []}").status()).isEqualTo(400);
  }

  @Test
  void deploymentsAreListedAndDeletedAsRollbackOrForcedStop() {
    JsonNode all = client.get("/v2/deployments").json();
    assertThat(all.isArray()).isTrue();
    JsonNode d = all.get(0);
    assertThat(d.get("id").asText()).isEqualTo("deployment-1");
    assertThat(d.get("affectedApps").get(0).asText()).isEqualTo("/eng/web");
    assertThat(d.get("steps").get(0).get("actions").get(0).get("action").asText()).isEqualTo("StartApplication");
    assertThat(d.get("currentActions").get(0).get("app").asText()).isEqualTo("/eng/web");
    assertThat(d.get("currentStep").asInt()).isEqualTo(1);
    assertThat(d.get("totalSteps").asInt()).isEqualTo(1);
    assertThat(client.get("/v2/deployments/deployment-1").json().get("id").asText()).isEqualTo("deployment-1");
    ApiClient.Answer rollback = client.send("DELETE", "/v2/deployments/deployment-1", null);
    assertThat(rollback.status()).isEqualTo(200);
    String rollbackId = rollback.json().get("deploymentId").asText();
    ApiClient.Answer stop = client.send("DELETE", "/v2/deployments/" + rollbackId + "?force=true", null);
    assertThat(stop.status()).isEqualTo(202);
    assertThat(stop.body()).isEmpty();
    ApiClient.Answer unknown = client.send("DELETE", "/v2/deployments/nope", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("{\"message\":\"DeploymentPlan nope does not exist\"}");
  }
}
