package io.corral.services.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.services.app.AppId;
import io.corral.services.app.TaskFailureView;
import io.corral.services.app.TaskView;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v2/apps} on a real HTTP server, answered as Marathon 1.x answered. */
class MarathonApiAppsTest {
  static final String TIMESTAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
  static final String WEB = """
      {"id": "/web/frontend", "cmd": "python3 -m http.server $PORT0", "cpus": 0.1, "mem": 32, "instances": 2,
       "healthChecks": [{"protocol": "HTTP", "path": "/", "portIndex": 0}]}""";

  private ApiServer api;
  private InMemoryBackend backend;
  private ApiClient client;

  @BeforeEach
  void start() throws IOException {
    api = new ApiServer();
    backend = api.backend;
    client = api.client;
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void postingAnAppAnswers201WithTheAppItsDeploymentAndWhereItIs() {
    ApiClient.Answer a = client.send("POST", "/v2/apps", WEB);
    assertThat(a.status()).isEqualTo(201);
    assertThat(a.header("Location")).isEqualTo("/v2/apps/web/frontend");
    assertThat(a.header("Marathon-Deployment-Id")).isEqualTo("deployment-1");
    JsonNode app = a.json();
    assertThat(app.get("id").asText()).isEqualTo("/web/frontend");
    assertThat(app.get("instances").asInt()).isEqualTo(2);
    assertThat(app.get("mem").isIntegralNumber()).isTrue();
    assertThat(app.get("version").asText()).matches(TIMESTAMP);
    assertThat(app.get("versionInfo").get("lastConfigChangeAt").asText()).matches(TIMESTAMP);
    assertThat(app.get("tasksStaged").asInt()).isZero();
    assertThat(app.get("deployments").get(0).get("id").asText()).isEqualTo("deployment-1");
    assertThat(app.has("tasks")).isFalse();
    assertThat(backend.calls()).containsExactly("create /web/frontend");
  }

  @Test
  void postingAnAppTwiceIsAConflictInMarathonsWords() {
    client.send("POST", "/v2/apps", WEB);
    ApiClient.Answer a = client.send("POST", "/v2/apps", WEB);
    assertThat(a.status()).isEqualTo(409);
    assertThat(a.body()).isEqualTo("{\"message\":\"An app with id [/web/frontend] already exists.\"}");
  }

  @Test
  void invalidAndMalformedBodiesAreRefusedInMarathonsShape() {
    ApiClient.Answer invalid = client.send("POST", "/v2/apps", "{\"id\": \"/x\", \"cmd\": \"x\", \"instances\": -1}");
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.body())
        .isEqualTo("{\"message\":\"Invalid JSON\",\"details\":[{\"path\":\"/instances\",\"errors\":[\"error.min\"]}]}");
    ApiClient.Answer broken = client.send("POST", "/v2/apps", "{\"id\": ");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.json().get("message").asText()).isEqualTo("Invalid JSON");
    assertThat(broken.json().get("details").asText()).isNotBlank();
    assertThat(backend.calls()).isEmpty();
  }

  @Test
  void oneAppCarriesItsCountsTasksAndLastFailureWithoutEmbed() {
    client.send("POST", "/v2/apps", WEB);
    AppId id = new AppId("/web/frontend");
    Instant t = Instant.parse("2024-03-01T10:00:05Z");
    backend.tasks(id, List.of(
        new TaskView("web_frontend.1", id, "agent-1", "10.0.0.5", List.of(31001), "TASK_RUNNING", t, t, t, true, null),
        new TaskView("web_frontend.2", id, "agent-2", "node2", List.of(31002), "TASK_STAGING", t, null, t, null, null)));
    backend.failure(new TaskFailureView(id, "web_frontend.0", "node3", "TASK_FAILED", "exited with 1", t, t));
    JsonNode app = client.get("/v2/apps/web/frontend?embed=app.tasks").json().get("app");
    assertThat(app.get("tasksRunning").asInt()).isEqualTo(1);
    assertThat(app.get("tasksStaged").asInt()).isEqualTo(1);
    assertThat(app.get("tasksHealthy").asInt()).isEqualTo(1);
    assertThat(app.get("tasksUnhealthy").asInt()).isZero();
    JsonNode task = app.get("tasks").get(0);
    assertThat(task.get("id").asText()).isEqualTo("web_frontend.1");
    assertThat(task.get("host").asText()).isEqualTo("10.0.0.5");
    assertThat(task.get("slaveId").asText()).isEqualTo("agent-1");
    assertThat(task.get("ports").get(0).asInt()).isEqualTo(31001);
    assertThat(task.get("startedAt").asText()).isEqualTo("2024-03-01T10:00:05.000Z");
    assertThat(task.get("state").asText()).isEqualTo("TASK_RUNNING");
    assertThat(task.get("healthCheckResults").get(0).get("alive").asBoolean()).isTrue();
    assertThat(task.get("ipAddresses").get(0).get("ipAddress").asText()).isEqualTo("10.0.0.5");
    assertThat(app.get("tasks").get(1).has("healthCheckResults")).isFalse();
    assertThat(app.get("lastTaskFailure").get("message").asText()).isEqualTo("exited with 1");
    assertThat(client.get("/v2/apps/web/frontend").json().get("app").get("tasks").size()).isEqualTo(2);
  }

  @Test
  void theListEmbedsTasksAndFailuresOnlyWhenAsked() {
    client.send("POST", "/v2/apps", WEB);
    client.send("POST", "/v2/apps", "{\"id\": \"/ops/cron\", \"cmd\": \"sleep 1\", \"labels\": {\"team\": \"ops\"}}");
    AppId id = new AppId("/web/frontend");
    Instant t = Instant.parse("2024-03-01T10:00:05Z");
    backend.tasks(id, List.of(new TaskView("web_frontend.1", id, "a1", "h1", List.of(1), "TASK_RUNNING", t, t, t, true, null)));
    JsonNode plain = client.get("/v2/apps").json().get("apps");
    assertThat(plain.size()).isEqualTo(2);
    assertThat(plain.get(1).has("tasks")).isFalse();
    assertThat(plain.get(1).get("tasksRunning").asInt()).isEqualTo(1);
    assertThat(plain.get(1).has("deployments")).isTrue();
    JsonNode embedded = client.get("/v2/apps?embed=apps.tasks&embed=apps.lastTaskFailure").json().get("apps");
    assertThat(embedded.get(1).get("tasks").get(0).get("id").asText()).isEqualTo("web_frontend.1");
    assertThat(client.get("/v2/apps?label=team==ops").json().get("apps").size()).isEqualTo(1);
    assertThat(client.get("/v2/apps?id=front").json().get("apps").get(0).get("id").asText()).isEqualTo("/web/frontend");
    assertThat(client.get("/v2/apps?cmd=http.server").json().get("apps").size()).isEqualTo(1);
  }

  @Test
  void anUnknownAppIsA404InMarathonsWords() {
    ApiClient.Answer a = client.get("/v2/apps/x");
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.body()).isEqualTo("{\"message\":\"App '/x' does not exist\"}");
    assertThat(client.send("PATCH", "/v2/apps/x", "{}").status()).isEqualTo(404);
    assertThat(client.send("POST", "/v2/apps/x/restart", null).body()).contains("App '/x' does not exist");
  }

  @Test
  void putIsAPartialUpdateUnlessToldOtherwiseAndCreatesNewApps() {
    client.send("POST", "/v2/apps", WEB);
    backend.finishDeployments();
    ApiClient.Answer a = client.send("PUT", "/v2/apps/web/frontend", "{\"instances\": 5}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("deploymentId").asText()).isEqualTo(a.header("Marathon-Deployment-Id"));
    assertThat(a.json().get("version").asText()).matches(TIMESTAMP);
    JsonNode app = client.get("/v2/apps/web/frontend").json().get("app");
    assertThat(app.get("instances").asInt()).isEqualTo(5);
    assertThat(app.get("healthChecks").size()).isEqualTo(1);
    backend.finishDeployments();
    ApiClient.Answer whole = client.send("PUT", "/v2/apps/web/frontend?partialUpdate=false", "{\"cmd\": \"sleep 9\"}");
    assertThat(whole.status()).isEqualTo(200);
    assertThat(client.get("/v2/apps/web/frontend").json().get("app").get("healthChecks").size()).isZero();
    ApiClient.Answer created = client.send("PUT", "/v2/apps/eng/new", "{\"cmd\": \"sleep 1\"}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo("/v2/apps/eng/new");
  }

  @Test
  void patchMergesTheGivenFieldsAndForceAcceptsAnyCase() {
    client.send("POST", "/v2/apps", WEB);
    ApiClient.Answer locked = client.send("PATCH", "/v2/apps/web/frontend", "{\"env\": {\"A\": \"1\"}}");
    assertThat(locked.status()).isEqualTo(409);
    assertThat(locked.json().get("message").asText()).startsWith("App is locked by one or more deployments.");
    assertThat(locked.json().get("deployments").get(0).get("id").asText()).isEqualTo("deployment-1");
    ApiClient.Answer forced = client.send("PATCH", "/v2/apps/web/frontend?force=TRUE", "{\"env\": {\"A\": \"1\"}}");
    assertThat(forced.status()).isEqualTo(200);
    JsonNode app = client.get("/v2/apps/web/frontend").json().get("app");
    assertThat(app.get("env").get("A").asText()).isEqualTo("1");
    assertThat(app.get("cmd").asText()).isEqualTo("python3 -m http.server $PORT0");
    assertThat(backend.calls()).contains("put /web/frontend force=false", "put /web/frontend force=true");
  }

  @Test
  void deleteAndRestartAnswerTheirDeployment() {
    client.send("POST", "/v2/apps", WEB);
    ApiClient.Answer restart = client.send("POST", "/v2/apps/web/frontend/restart?force=True", null);
    assertThat(restart.status()).isEqualTo(200);
    assertThat(restart.json().get("deploymentId").asText()).isEqualTo("deployment-2");
    ApiClient.Answer delete = client.send("DELETE", "/v2/apps/web/frontend", null);
    assertThat(delete.status()).isEqualTo(200);
    assertThat(delete.header("Marathon-Deployment-Id")).isEqualTo(delete.json().get("deploymentId").asText());
    assertThat(client.get("/v2/apps/web/frontend").status()).isEqualTo(404);
    assertThat(backend.calls()).containsSubsequence("restart /web/frontend force=true", "delete /web/frontend force=true");
    ApiClient.Answer notAllowed = client.send("DELETE", "/v2/apps", null);
    assertThat(notAllowed.status()).isEqualTo(405);
    assertThat(notAllowed.header("Allow")).isEqualTo("GET, HEAD, POST");
    ApiClient.Answer unknown = client.send("GET", "/v2/nothing", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("message").asText()).isEqualTo("no such resource: /v2/nothing");
    assertThat(client.send("PATCH", "/v2/apps/web/frontend/tasks", null).status()).as("tasks take GET and DELETE")
        .isEqualTo(405);
  }
}
