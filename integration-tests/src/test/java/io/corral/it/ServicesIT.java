package io.corral.it;

import static io.corral.it.MarathonApps.ids;
import static io.corral.it.MarathonApps.isSettled;
import static io.corral.it.MarathonApps.taskOn;
import static io.corral.it.MarathonApps.tasks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.common.testing.Capabilities;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The services framework as its users meet it: a real {@code corral services} process on a real
 * master with three agent processes (three hosts: 127.0.0.1, .2 and .3), running real tasks (Python
 * HTTP servers, sleeps) through Marathon's REST API, its event stream, the {@code corral app} command
 * and the web pages. The cases share the cluster and run at the same time (each test is
 * {@code @Execution(CONCURRENT)}; the class itself runs alone), each on apps of its own.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ServicesIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static ServicesCluster cluster;
  private static ServicesCluster.Services services;
  private static MarathonClient api;

  @BeforeAll
  static void startCluster(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    cluster = ServicesCluster.start(dir, false, 3, "cpus:8;mem:8192", List.of());
    services = cluster.startServices("services", "--work-dir", dir.resolve("services").toString());
    ServicesCluster.awaitServing(services);
    api = services.api();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  // ---- an HTTP server app: scaled one per host, replaced when killed or unhealthy -----------------

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void anHttpAppScalesToOneTaskPerHostAndTasksKilledOrFailingTheirChecksAreReplaced() throws Exception {
    String id = "/it/web";
    MarathonClient.Answer created = api.post("v2/apps", """
        {"id": "it/web",
         "cmd": "mkdir -p www && echo ok > www/ready && echo $$ > pid && exec python3 -m http.server $PORT0 \
        --directory www",
         "cpus": 0.1, "mem": 64, "instances": 1,
         "portDefinitions": [{"port": 0, "name": "http"}],
         "constraints": [["hostname", "UNIQUE"]],
         "healthChecks": [{"protocol": "HTTP", "path": "/ready", "portIndex": 0, "gracePeriodSeconds": 30,
           "intervalSeconds": 1, "timeoutSeconds": 5, "maxConsecutiveFailures": 2}],
         "backoffSeconds": 1}""");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.location()).endsWith("/v2/apps/it/web");
    assertThat(created.json().get("id").asText()).isEqualTo(id);
    settled(id, 1);

    MarathonClient.Answer scaled = api.put("v2/apps/it/web", "{\"instances\": 3}");
    assertThat(scaled.status()).as(scaled.body()).isEqualTo(200);
    assertThat(scaled.json().get("deploymentId").asText()).isNotEmpty();
    JsonNode app = settled(id, 3);
    assertThat(app.get("tasksHealthy").asInt()).isEqualTo(3);
    List<JsonNode> tasks = tasks(app);
    assertThat(tasks.stream().map(t -> t.get("host").asText()).collect(Collectors.toSet()))
        .as("one task on each host").containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2", "127.0.0.3");
    for (JsonNode t : tasks) {
      assertThat(t.get("state").asText()).isEqualTo("TASK_RUNNING");
      assertThat(t.get("startedAt").isTextual()).as(t.toString()).isTrue();
      assertThat(t.get("healthCheckResults")).hasSize(1);
      assertThat(t.get("healthCheckResults").get(0).get("alive").asBoolean()).as(t.toString()).isTrue();
      assertThat(t.get("ports")).hasSize(1);
      int port = t.get("ports").get(0).asInt();
      assertThat(cluster.agentOn(t.get("host").asText()).offers(port)).as("port from its agent's offer: " + t)
          .isTrue();
      assertThat(fetch(t.get("host").asText(), port, "/ready")).as("the task serves on its port").isEqualTo("ok");
    }

    // Killed from outside (SIGKILL to the server): replaced on its host, the only one UNIQUE leaves it
    JsonNode victim = tasks.get(0);
    String victimId = victim.get("id").asText();
    ServicesCluster.Agent victimAgent = cluster.agentOn(victim.get("host").asText());
    Path victimSandbox = victimAgent.sandboxOf(victimId).orElseThrow();
    ProcessHandle server = ProcessHandle.of(Long.parseLong(Files.readString(victimSandbox.resolve("pid")).trim()))
        .orElseThrow(() -> new AssertionError("the task's server is not running"));
    assertThat(server.destroyForcibly()).isTrue();
    JsonNode afterKill = await().atMost(WAIT).until(() -> api.app(id).orElseThrow(),
        a -> isSettled(a, 3) && tasks(a).stream().noneMatch(t -> t.get("id").asText().equals(victimId)));
    assertThat(taskOn(afterKill, victimAgent.host())).as("replaced on the same host").isPresent();
    assertThat(afterKill.get("lastTaskFailure").get("taskId").asText()).isEqualTo(victimId);
    JsonNode victimAtMaster = cluster.completedAtMaster(victimId, WAIT);
    assertThat(victimAtMaster.get("state").asText()).isEqualTo("TASK_FAILED");

    // Its health check starts failing (the file it serves is deleted): killed and replaced
    JsonNode sick = tasks.get(1);
    String sickId = sick.get("id").asText();
    ServicesCluster.Agent sickAgent = cluster.agentOn(sick.get("host").asText());
    Files.delete(sickAgent.sandboxOf(sickId).orElseThrow().resolve("www").resolve("ready"));
    JsonNode afterSick = await().atMost(WAIT).until(() -> api.app(id).orElseThrow(),
        a -> isSettled(a, 3) && tasks(a).stream().noneMatch(t -> t.get("id").asText().equals(sickId)));
    assertThat(taskOn(afterSick, sickAgent.host())).as("replaced on the same host").isPresent();
    JsonNode sickAtMaster = cluster.completedAtMaster(sickId, WAIT);
    assertThat(sickAtMaster.get("state").asText()).isEqualTo("TASK_KILLED");
    assertThat(sickAtMaster.get("reason").asText()).isEqualTo("REASON_TASK_UNHEALTHY");
    assertThat(afterSick.get("lastTaskFailure").get("taskId").asText()).isEqualTo(sickId);
    assertThat(tasks(afterSick).stream().map(t -> t.get("host").asText()).collect(Collectors.toSet()))
        .hasSize(3);
    String untouched = tasks.get(2).get("id").asText();
    assertThat(tasks(afterSick).stream().map(t -> t.get("id").asText())).contains(untouched);

    remove(id);
  }

  // ---- rolling upgrade, a broken version, rollback -----------------------------------------------

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aRollingUpgradeKeepsHalfHealthyAndABrokenVersionLeavesTheOldServingUntilRolledBack() throws Exception {
    String id = "/it/rolling";
    MarathonClient.Answer created = api.post("v2/apps", """
        {"id": "/it/rolling",
         "cmd": "mkdir -p www && echo $VERSION > www/version && exec python3 -m http.server $PORT0 --directory www",
         "env": {"VERSION": "v1"},
         "cpus": 0.1, "mem": 64, "instances": 3,
         "healthChecks": [{"protocol": "HTTP", "path": "/version", "portIndex": 0, "gracePeriodSeconds": 30,
           "intervalSeconds": 1, "timeoutSeconds": 5, "maxConsecutiveFailures": 3}],
         "upgradeStrategy": {"minimumHealthCapacity": 0.5, "maximumOverCapacity": 0},
         "backoffSeconds": 1}""");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Set<String> v1 = ids(settled(id, 3));

    try (AppSampler sampler = new AppSampler(api, cluster, id)) {
      // v1 -> v2: never fewer than ceil(0.5 x 3) = 2 healthy, never more than 3 tasks
      MarathonClient.Answer upgrade = api.put("v2/apps/it/rolling", "{\"env\": {\"VERSION\": \"v2\"}}");
      assertThat(upgrade.status()).as(upgrade.body()).isEqualTo(200);
      JsonNode upgraded = await().atMost(WAIT).until(() -> api.app(id).orElseThrow(),
          a -> isSettled(a, 3) && ids(a).stream().noneMatch(v1::contains));
      Set<String> v2 = ids(upgraded);
      for (JsonNode t : tasks(upgraded)) {
        assertThat(fetch(t.get("host").asText(), t.get("ports").get(0).asInt(), "/version")).isEqualTo("v2");
      }
      List<AppSampler.Sample> upgrading = sampler.drain();
      assertThat(upgrading).as("samples during the upgrade").hasSizeGreaterThan(5);
      assertThat(upgrading).as("at least ceil(0.5 x 3) healthy throughout").allMatch(s -> s.healthy() >= 2);
      assertThat(upgrading).as("at most 3 tasks at the master (maximumOverCapacity 0)")
          .allMatch(s -> s.atMaster() <= 3);
      assertThat(upgrading).as("old and new side by side: it rolled")
          .anyMatch(s -> s.ids().stream().anyMatch(v1::contains) && s.ids().stream().anyMatch(i -> !v1.contains(i)));

      // A broken version (its check never passes) with minimumHealthCapacity 1: the old tasks keep serving
      MarathonClient.Answer broken = api.put("v2/apps/it/rolling", """
          {"env": {"VERSION": "v3"},
           "healthChecks": [{"protocol": "HTTP", "path": "/nonexistent", "portIndex": 0, "gracePeriodSeconds": 2,
             "intervalSeconds": 1, "timeoutSeconds": 5, "maxConsecutiveFailures": 2}],
           "upgradeStrategy": {"minimumHealthCapacity": 1, "maximumOverCapacity": 0}}""");
      assertThat(broken.status()).as(broken.body()).isEqualTo(200);
      String brokenDeployment = broken.json().get("deploymentId").asText();
      String brokenVersion = broken.json().get("version").asText();
      JsonNode failing = await().atMost(WAIT).until(() -> api.app(id).orElseThrow(),
          a -> a.path("lastTaskFailure").path("version").asText().equals(brokenVersion));
      assertThat(v2).as("a new task failed its checks")
          .doesNotContain(failing.get("lastTaskFailure").get("taskId").asText());
      JsonNode stillOld = api.app(id).orElseThrow();
      assertThat(stillOld.get("tasksHealthy").asInt()).isEqualTo(3);
      assertThat(tasks(stillOld).stream().filter(MarathonApps::alive).map(t -> t.get("id").asText())
          .collect(Collectors.toSet())).isEqualTo(v2);
      assertThat(api.deploymentIds()).as("the deployment waits to be rolled back").contains(brokenDeployment);
      for (JsonNode t : tasks(stillOld)) {
        if (v2.contains(t.get("id").asText())) {
          assertThat(fetch(t.get("host").asText(), t.get("ports").get(0).asInt(), "/version")).isEqualTo("v2");
        }
      }

      // Deleting the deployment rolls it back: v2 again, its tasks untouched, no deployment left
      MarathonClient.Answer rollback = api.delete("v2/deployments/" + brokenDeployment);
      assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
      assertThat(rollback.json().get("deploymentId").asText()).isNotEqualTo(brokenDeployment);
      JsonNode rolledBack = await().atMost(WAIT).until(() -> api.app(id).orElseThrow(),
          a -> isSettled(a, 3) && api.deploymentsOf(id).isEmpty());
      assertThat(rolledBack.get("env").get("VERSION").asText()).isEqualTo("v2");
      assertThat(rolledBack.get("healthChecks").get(0).get("path").asText()).isEqualTo("/version");
      assertThat(ids(rolledBack)).as("the v2 tasks served on").isEqualTo(v2);
      List<AppSampler.Sample> brokenPhase = sampler.drain();
      assertThat(brokenPhase).as("samples while broken").hasSizeGreaterThan(5);
      assertThat(brokenPhase).as("all 3 old tasks healthy throughout (minimumHealthCapacity 1)")
          .allMatch(s -> s.healthy() >= 3);
      assertThat(brokenPhase).as("at most one task beyond 3 at the master").allMatch(s -> s.atMaster() <= 4);
    }
    remove(id);
  }

  // ---- the event stream ---------------------------------------------------------------------------

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void theEventStreamShowsTheDeploymentStepsStatusUpdatesAndHealth() throws Exception {
    String id = "/it/events";
    try (MarathonEvents events = MarathonEvents.open(services.url())) {
      MarathonClient.Answer created = api.post("v2/apps", """
          {"id": "/it/events", "cmd": "sleep 600", "cpus": 0.05, "mem": 32, "instances": 1,
           "healthChecks": [{"protocol": "COMMAND", "command": {"value": "true"}, "delaySeconds": 0,
             "gracePeriodSeconds": 30, "intervalSeconds": 1, "timeoutSeconds": 10, "maxConsecutiveFailures": 3}]}""");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String deployment = created.json().get("deployments").get(0).get("id").asText();
      assertThat(created.deploymentId()).isEqualTo(deployment);

      await().atMost(WAIT).until(() -> events.indexOf("deployment_success", e -> deployment.equals(e.data()
          .path("id").asText())) >= 0);
      int info = events.indexOf("deployment_info", e -> deployment.equals(e.planId()));
      int running = events.indexOf("status_update_event", e -> id.equals(e.appId())
          && e.data().path("taskStatus").asText().equals("TASK_RUNNING"));
      int healthy = events.indexOf("health_status_changed_event", e -> id.equals(e.appId())
          && e.data().path("alive").asBoolean());
      int success = events.indexOf("deployment_success", e -> deployment.equals(e.data().path("id").asText()));
      assertThat(info).as("deployment_info").isGreaterThanOrEqualTo(0);
      assertThat(running).as("status_update_event TASK_RUNNING").isGreaterThan(info);
      assertThat(healthy).as("health_status_changed_event alive").isGreaterThan(running);
      assertThat(success).as("deployment_success once the task serves").isGreaterThan(healthy);
      List<MarathonEvents.Event> steps = events.of("deployment_step_success", e -> deployment.equals(e.planId()));
      assertThat(steps.stream().map(e -> e.data().path("currentStep").path("actions").get(0).path("action").asText()))
          .as("each step's success").containsExactly("StartApplication", "ScaleApplication");
      MarathonEvents.Event update = events.events().get(running);
      String taskId = update.data().get("taskId").asText();
      assertThat(update.data().get("host").asText()).matches("127\\.0\\.0\\.[123]");
      assertThat(update.data().get("ports")).hasSize(1);
      assertThat(update.data().get("slaveId").asText()).isNotEmpty();
      JsonNode plan = events.events().get(info).data().get("plan");
      assertThat(plan.get("steps")).hasSize(2);
      assertThat(plan.get("target").get("apps").get(0).get("id").asText()).isEqualTo(id);
      for (MarathonEvents.Event e : events.events()) {
        assertThat(e.data().path("eventType").asText()).as("data names its type").isEqualTo(e.type());
        assertThat(e.data().path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      }

      MarathonClient.Answer removed = api.delete("v2/apps/it/events");
      assertThat(removed.status()).as(removed.body()).isEqualTo(200);
      String stop = removed.json().get("deploymentId").asText();
      await().atMost(WAIT).until(() -> events.indexOf("deployment_success", e -> stop.equals(e.data()
          .path("id").asText())) >= 0);
      assertThat(events.of("status_update_event", e -> taskId.equals(e.data().path("taskId").asText())
          && e.data().path("taskStatus").asText().equals("TASK_KILLED"))).as("the task's end").isNotEmpty();
      assertThat(events.of("deployment_step_success", e -> stop.equals(e.planId())).stream()
          .map(e -> e.data().path("currentStep").path("actions").get(0).path("action").asText()))
          .containsExactly("StopApplication");
    }
  }

  // ---- app definitions from Marathon's documentation, and invalid ones -------------------------------

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void definitionsInMarathonsDocumentedFormatAreAcceptedAndInvalidOnesGetMarathonsErrors() throws Exception {
    // Definitions as Marathon's documentation writes them (application basics, ports, fetching, health
    // checks, constraints, upgrades), sent unchanged; each app is removed once it is accepted.
    List<String> documented = List.of("""
        {"id": "basic-0", "cmd": "while [ true ] ; do echo 'Hello Marathon' ; sleep 5 ; done",
         "cpus": 0.1, "mem": 10.0, "instances": 1}""", """
        {"id": "three-ports", "cmd": "./my-app --http-port=$PORT0 --https-port=$PORT1 --monitoring-port=$PORT2",
         "cpus": 0.5, "mem": 256, "ports": [0, 0, 0]}""", """
        {"id": "/eng/fixed-ports", "cmd": "./server --port $PORT0 --admin $PORT1", "instances": 2,
         "portDefinitions": [{"port": 2001, "protocol": "tcp", "name": "http", "labels": {"VIP_0": "10.0.0.1:80"}},
                             {"port": 2002, "protocol": "udp,tcp", "name": "admin"}],
         "requirePorts": true}""", """
        {"id": "basic-1", "cmd": "`./cool-script.sh`", "cpus": 0.1, "mem": 10.0, "instances": 1,
         "fetch": [{"uri": "https://example.com/app/cool-script.sh", "executable": true},
                   {"uri": "https://example.com/app.zip", "cache": true},
                   {"uri": "https://git.example.com/docs-bundle.zip", "extract": false}]}""", """
        {"id": "/tools/legacy", "cmd": "./bin/start.sh", "cpus": 0.25, "mem": 64,
         "uris": ["https://example.com/dist/app-1.2.tgz",
                  "https://raw.github.com/mesosphere/marathon/master/README.md"]}""", """
        {"id": "sleep-constrained", "cmd": "sleep 60", "instances": 3,
         "constraints": [["hostname", "UNIQUE"], ["rack_id", "CLUSTER", "rack-1"], ["rack_id", "GROUP_BY", "3"],
                         ["rack_id", "LIKE", "rack-[1-3]"], ["rack_id", "UNLIKE", "rack-[7-9]"],
                         ["rack_id", "MAX_PER", "2"]]}""", """
        {"id": "/web/frontend", "cmd": "python3 -m http.server $PORT0", "cpus": 0.1, "mem": 32, "instances": 3,
         "healthChecks": [{"path": "/api/health", "portIndex": 0, "protocol": "HTTP", "gracePeriodSeconds": 300,
           "intervalSeconds": 60, "timeoutSeconds": 20, "maxConsecutiveFailures": 3, "ignoreHttp1xx": false}]}""",
        """
        {"id": "/web/mesos-checked", "cmd": "python3 -m http.server $PORT0",
         "healthChecks": [{"path": "/api/health", "portIndex": 0, "protocol": "MESOS_HTTP",
           "gracePeriodSeconds": 300, "intervalSeconds": 60, "timeoutSeconds": 20, "maxConsecutiveFailures": 3}]}""",
        """
        {"id": "/web/command-checked", "cmd": "python3 -m http.server $PORT0",
         "healthChecks": [{"protocol": "COMMAND", "command": {"value": "curl -f -X GET http://$HOST:$PORT0/health"},
           "gracePeriodSeconds": 300, "intervalSeconds": 60, "timeoutSeconds": 20, "maxConsecutiveFailures": 3}]}""",
        """
        {"id": "/tools/oauth-server", "cmd": "./oauth-server --port $PORT0", "instances": 2, "cpus": 1,
         "mem": 1024, "disk": 0, "args": null, "user": "nobody", "env": {"LD_LIBRARY_PATH": "/usr/local/lib/myLib"},
         "backoffSeconds": 2, "backoffFactor": 1.5, "maxLaunchDelaySeconds": 3600, "killSelection": "OLDEST_FIRST",
         "acceptedResourceRoles": ["*"],
         "upgradeStrategy": {"minimumHealthCapacity": 0.5, "maximumOverCapacity": 0}}""",
        // Not Marathon's: a field nobody knows is accepted (and ignored)
        """
        {"id": "/it/unknown-field", "cmd": "sleep 60", "cpus": 0.05, "mem": 32, "instances": 0,
         "unknownToMarathon": {"ignored": true}}""");
    for (String definition : documented) {
      JsonNode sent = MarathonClient.JSON.readTree(definition);
      String appId = "/" + sent.get("id").asText().replaceFirst("^/", "");
      MarathonClient.Answer a = api.post("v2/apps", definition);
      assertThat(a.status()).as(appId + ": " + a.body()).isEqualTo(201);
      assertThat(a.location()).endsWith("/v2/apps" + appId);
      JsonNode answer = a.json();
      assertThat(answer.get("id").asText()).isEqualTo(appId);
      assertThat(answer.get("cmd").asText()).isEqualTo(sent.get("cmd").asText());
      assertThat(answer.get("deployments")).as(appId).hasSize(1);
      assertThat(answer.has("unknownToMarathon")).isFalse();
      MarathonClient.Answer removed = api.delete("v2/apps" + appId);
      assertThat(removed.status()).as(removed.body()).isEqualTo(200);
      if (sent.has("constraints")) {
        assertThat(answer.get("constraints")).as(appId).hasSameSizeAs(sent.get("constraints"));
      }
      if (sent.has("ports")) {
        assertThat(answer.get("portDefinitions")).as(appId).hasSize(3);
      }
      if (sent.has("portDefinitions")) {
        assertThat(answer.get("portDefinitions").get(1).get("name").asText()).isEqualTo("admin");
        assertThat(answer.get("requirePorts").asBoolean()).isTrue();
      }
      if (sent.has("uris") || sent.has("fetch")) {
        assertThat(answer.get("fetch").get(0).get("uri").asText()).isEqualTo(sent.has("fetch")
            ? sent.get("fetch").get(0).get("uri").asText() : sent.get("uris").get(0).asText());
      }
      if (sent.has("healthChecks")) {
        assertThat(answer.get("healthChecks").get(0).get("protocol").asText())
            .isEqualTo(sent.get("healthChecks").get(0).get("protocol").asText());
      }
      if (sent.has("upgradeStrategy")) {
        assertThat(answer.get("upgradeStrategy").get("minimumHealthCapacity").asDouble()).isEqualTo(0.5);
        assertThat(answer.get("killSelection").asText()).isEqualTo("OLDEST_FIRST");
      }
    }
    for (String definition : documented) {
      String appId = "/" + MarathonClient.JSON.readTree(definition).get("id").asText().replaceFirst("^/", "");
      await().atMost(WAIT).until(() -> api.app(appId).isEmpty());
    }

    record Refused(String body, String message, String path, String error) {}
    List<Refused> invalid = List.of(
        new Refused("{\"id\": \"/it/bad\", \"cmd\": \"sleep 1\", \"instances\": -1}", "Invalid JSON", "/instances",
            "error.min"),
        new Refused("{\"id\": \"/it/bad\", \"cmd\": \"sleep 1\", \"instances\": \"three\"}", "Invalid JSON",
            "/instances", "error.expected.jsnumber"),
        new Refused("{\"id\": \"/it/bad\", \"cmd\": \"x\", \"constraints\": [[\"hostname\", \"MAX_PER\", \"two\"]]}",
            "Object is not valid", "/constraints(0)", "MAX_PER requires an integer value"),
        new Refused("{\"id\": \"/it/bad\", \"cmd\": \"x\", \"ports\": [80, 80]}", "Object is not valid", "/ports",
            "Ports must be unique."),
        new Refused("{\"id\": \"/it/bad\", \"cmd\": \"x\", \"uris\": [\"http://a/b\"],"
            + " \"fetch\": [{\"uri\": \"http://a/c\"}]}", "Object is not valid", "/uris",
            "may not be set in conjunction with fetch"));
    for (Refused r : invalid) {
      MarathonClient.Answer a = api.post("v2/apps", r.body());
      assertThat(a.status()).as(r.body() + " -> " + a.body()).isEqualTo(422);
      JsonNode body = a.json();
      assertThat(body.get("message").asText()).isEqualTo(r.message());
      assertThat(body.get("details")).as(a.body()).hasSize(1);
      assertThat(body.get("details").get(0).get("path").asText()).isEqualTo(r.path());
      assertThat(body.get("details").get(0).get("errors").get(0).asText()).isEqualTo(r.error());
    }
    MarathonClient.Answer notJson = api.post("v2/apps", "{\"id\": \"/it/bad\", ");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.json().get("message").asText()).isEqualTo("Invalid JSON");
    assertThat(api.get("v2/apps/it/bad").status()).as("nothing refused was created").isEqualTo(404);
  }

  // ---- corral app ---------------------------------------------------------------------------------

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void corralAppAddsListsScalesRestartsAndRemovesAnApp(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    Path file = Files.writeString(dir.resolve("cli.json"), """
        {"id": "/it/cli", "cmd": "sleep 600", "cpus": 0.05, "mem": 32, "instances": 1}""");
    String id = "/it/cli";

    Cli add = cli(dir, "add", "app", "add", file.toString());
    assertThat(add.exit()).as(add.stderr()).isZero();
    assertThat(add.stdout()).hasSize(1);
    assertThat(add.stdout().get(0)).matches("created /it/cli \\(deployment [0-9a-f-]{36}\\)");
    Set<String> first = ids(settled(id, 1));

    Cli list = cli(dir, "list", "app", "list");
    assertThat(list.exit()).as(list.stderr()).isZero();
    assertThat(list.stdout().get(0).split("\\s+")).containsExactly("ID", "RUNNING", "HEALTHY", "CPUS", "MEM",
        "DEPLOYMENTS");
    assertThat(list.stdout().stream().filter(l -> l.startsWith(id + " ")).map(l -> List.of(l.split("\\s+"))))
        .containsExactly(List.of(id, "1/1", "-", "0.05", "32", "0"));

    Cli scale = cli(dir, "scale", "app", "scale", "it/cli", "2");
    assertThat(scale.exit()).as(scale.stderr()).isZero();
    assertThat(scale.stdout()).hasSize(1);
    assertThat(scale.stdout().get(0)).matches("scaling /it/cli to 2 \\(deployment [0-9a-f-]{36}\\)");
    Set<String> two = ids(settled(id, 2));
    assertThat(two).containsAll(first);

    Cli restart = cli(dir, "restart", "app", "restart", id);
    assertThat(restart.exit()).as(restart.stderr()).isZero();
    assertThat(restart.stdout()).hasSize(1);
    assertThat(restart.stdout().get(0)).matches("restarting /it/cli \\(deployment [0-9a-f-]{36}\\)");
    await().atMost(WAIT).until(() -> api.app(id).orElseThrow(),
        a -> isSettled(a, 2) && ids(a).stream().noneMatch(two::contains));

    Cli unknown = cli(dir, "unknown", "app", "restart", "/it/nope");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.stdout()).isEmpty();
    List<String> errors = unknown.stderr().lines().filter(l -> !l.isBlank()).toList();
    assertThat(errors).as(unknown.stderr()).hasSize(1);
    assertThat(errors.get(0)).startsWith("corral app restart: ").contains("404")
        .contains("App '/it/nope' does not exist");

    Cli remove = cli(dir, "remove", "app", "remove", id);
    assertThat(remove.exit()).as(remove.stderr()).isZero();
    assertThat(remove.stdout()).hasSize(1);
    assertThat(remove.stdout().get(0)).matches("removing /it/cli \\(deployment [0-9a-f-]{36}\\)");
    await().atMost(WAIT).until(() -> api.app(id).isEmpty());
    await().atMost(WAIT).until(() -> cluster.tasksAtMaster("it_cli.").isEmpty());
  }

  private record Cli(int exit, List<String> stdout, String stderr) {}

  private static Cli cli(Path dir, String name, String... args) throws Exception {
    Path log = dir.resolve("cli-" + name + ".log");
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--services", services.url()));
    try (CorralProcess p = CorralProcess.start(log, all.toArray(String[]::new))) {
      int exit = p.awaitExit(Duration.ofSeconds(90));
      return new Cli(exit, List.copyOf(p.wholeStdout(Duration.ofSeconds(30))),
          Files.exists(log) ? Files.readString(log) : "");
    }
  }

  // ---- web pages -----------------------------------------------------------------------------------

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void theMastersPagesListTheServicesFrameworkAndItsOwnPageShowsAppsInstancesAndHealth(TestInfo info)
      throws Exception {
    Optional<Path> chromium = HeadlessChromium.find();
    Capabilities.require(chromium.isPresent(), "ServicesIT",
        "no chromium on PATH (Debian package 'chromium'; .ci/run installs it)");
    String id = "/it/ui";
    MarathonClient.Answer created = api.post("v2/apps", """
        {"id": "/it/ui", "cmd": "sleep 600", "cpus": 0.05, "mem": 32, "instances": 2,
         "healthChecks": [{"protocol": "COMMAND", "command": {"value": "true"}, "delaySeconds": 0,
           "gracePeriodSeconds": 30, "intervalSeconds": 1, "timeoutSeconds": 10}]}""");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode app = settled(id, 2);
    String frameworkId = api.json("v2/info").get("frameworkId").asText();
    Path dir = TestClusters.dir(info);
    Path shots = Path.of("target", "ui-screenshots");
    try (HeadlessChromium browser = new HeadlessChromium(chromium.get(), dir.resolve("chromium-profile"))) {
      browser.navigate(cluster.masterHttp + "#/frameworks");
      String row = "document.querySelector('#frameworks-table tr[data-framework-id=\"" + frameworkId + "\"]')";
      browser.waitFor("!!" + row, WAIT);
      assertThat(browser.eval(row + ".querySelector('td:nth-child(2)').textContent").asText()).isEqualTo("services");
      browser.navigate(cluster.masterHttp + "#/frameworks/" + frameworkId);
      for (JsonNode t : tasks(app)) {
        browser.waitFor("!!document.querySelector('#tasks-table tr[data-task-id=\"" + t.get("id").asText()
            + "\"]')", WAIT);
      }
      browser.screenshot(shots.resolve("services-framework-at-master.png"));

      browser.navigate(services.url() + "#open=" + id);
      String appRow = "document.querySelector('tr[data-app-id=\"" + id + "\"]')";
      browser.waitFor("document.body.dataset.loaded === 'true' && !!" + appRow, WAIT);
      browser.waitFor(appRow + ".querySelector('td[data-field=\"instances\"]').textContent === '2 / 2'", WAIT);
      browser.waitFor(appRow + ".querySelector('td[data-field=\"health\"]').textContent === '2 healthy'", WAIT);
      for (JsonNode t : tasks(app)) {
        String taskRow = "document.querySelector('tr[data-task-id=\"" + t.get("id").asText() + "\"]')";
        browser.waitFor("!!" + taskRow, WAIT);
        assertThat(browser.eval(taskRow + ".children[1].textContent").asText()).isEqualTo(t.get("host").asText());
        assertThat(browser.eval(taskRow + ".children[4].textContent").asText()).isEqualTo("healthy");
      }
      assertThat(browser.eval("document.getElementById('leader').textContent").asText()).startsWith("leader ");
      browser.screenshot(shots.resolve("services-page.png"));
    }
    remove(id);
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private static JsonNode settled(String id, int n) {
    return api.settled(id, n, WAIT);
  }

  /** Removes app {@code id} and waits until it and its tasks are gone. */
  private static void remove(String id) {
    MarathonClient.Answer a = api.delete("v2/apps" + id);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    await().atMost(WAIT).until(() -> api.app(id).isEmpty());
    await().atMost(WAIT).until(() -> cluster.tasksAtMaster(MarathonApps.taskPrefix(id)).isEmpty());
  }

  /** GET http://host:port/path, the body stripped. */
  private static String fetch(String host, int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? r.body().strip() : r.statusCode() + " " + r.body().strip();
  }
}
