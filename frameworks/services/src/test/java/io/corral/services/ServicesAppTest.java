package io.corral.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.common.Drivers;
import io.corral.common.resources.Resources;
import io.corral.common.security.ClientCredentials;
import io.corral.frameworks.common.FrameworkInstance;
import io.corral.frameworks.common.FrameworkSettings;
import io.corral.local.LocalCluster;
import io.corral.services.api.json.MarathonJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services framework as {@code corral services} runs it (a {@link FrameworkInstance} of a
 * {@link ServicesApp}) against a real master and agent: an app's tasks run, the API and the event
 * stream show them, a scale to 0 ends them, and the state and the framework id are in the work dir.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServicesAppTest {
  private static final Duration SOON = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dir;

  @Test
  void anAppsTasksRunAndScaleToNothingThroughTheMarathonApi() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder(dir.resolve("cluster")).agents(1)
        .agentResources(Resources.parse("cpus:2;mem:1024;disk:1000;ports:[31000-31100]"))
        .masterConfig(m -> m.allocationInterval(Duration.ofMillis(200))).start()) {
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      FrameworkSettings settings = FrameworkSettings.builder("services", cluster.masterAddress().toString())
          .workDir(dir.resolve("services")).build();
      FrameworkInstance services = FrameworkInstance.start(new ServicesApp(), settings,
          Drivers.corral(settings.master(), ClientCredentials.NONE), new PrintStream(printed, true));
      try {
        String url = services.url();
        assertThat(send("GET", url + "/ping", null).body()).isEqualTo("pong");
        await().atMost(SOON).until(() -> !printed.toString(StandardCharsets.UTF_8).isEmpty());
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("services: " + url + System.lineSeparator());
        assertThat(send("GET", url + "/v2/info", null).statusCode()).as("serving once its line is printed")
            .isEqualTo(200);
        List<String> events = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create(url + "/v2/events"))
            .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> stream.body().forEach(events::add), "events");
        reader.setDaemon(true);
        reader.start();

        HttpResponse<String> created = send("POST", url + "/v2/apps",
            "{\"id\": \"/eng/sleepy\", \"cmd\": \"sleep 1000\", \"instances\": 2, \"cpus\": 0.1, \"mem\": 32}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        await().atMost(SOON).untilAsserted(() -> {
          JsonNode app = json(send("GET", url + "/v2/apps/eng/sleepy?embed=app.tasks", null)).get("app");
          assertThat(app.get("tasksRunning").asInt()).isEqualTo(2);
          assertThat(app.get("tasks")).hasSize(2).allSatisfy(t -> {
            assertThat(t.get("state").asText()).isEqualTo("TASK_RUNNING");
            assertThat(t.get("host").asText()).isNotEmpty();
          });
        });
        JsonNode info = json(send("GET", url + "/v2/info", null));
        String frameworkId = Files.readString(dir.resolve("services/state/framework/id/.value")).strip();
        assertThat(info.get("frameworkId").asText()).as("the one framework id, the instance's").isEqualTo(frameworkId);
        assertThat(info.get("leader").asText()).isEqualTo(URI.create(url).getAuthority());
        assertThat(info.at("/marathon_config/master").asText()).isEqualTo(settings.master());
        assertThat(cluster.<Integer>query(m -> m.frameworks().size())).isEqualTo(1);
        await().atMost(SOON).untilAsserted(() -> assertThat(events)
            .anyMatch(l -> l.equals("event: status_update_event"))
            .anyMatch(l -> l.startsWith("data: {\"eventType\":\"status_update_event\",\"timestamp\":\"")
                && l.contains("\"taskStatus\":\"TASK_RUNNING\"") && l.contains("\"appId\":\"/eng/sleepy\""))
            .anyMatch(l -> l.startsWith("data: {\"eventType\":\"deployment_success\"")));

        HttpResponse<String> scaled = send("PUT", url + "/v2/apps/eng/sleepy", "{\"instances\": 0}");
        assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
        await().atMost(SOON).untilAsserted(() -> {
          JsonNode app = json(send("GET", url + "/v2/apps/eng/sleepy?embed=app.tasks", null)).get("app");
          assertThat(app.get("instances").asInt()).isZero();
          assertThat(app.get("tasks")).isEmpty();
          assertThat(app.get("deployments")).isEmpty();
        });
        assertThat(Files.list(dir.resolve("services/state/apps")).map(p -> p.getFileName().toString()))
            .containsExactly("eng_sleepy");
      } finally {
        services.close();
      }
      assertThat(services.terminated().get()).isZero();
    }
  }

  private HttpResponse<String> send(String method, String url, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return MarathonJson.parse(r.body().getBytes(StandardCharsets.UTF_8));
  }
}
