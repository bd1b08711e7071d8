package io.corral.services.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppStatusView;
import io.corral.services.app.TaskFailureView;
import io.corral.services.app.TaskView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Apps are answered with Marathon 1.x's field names only, in a shape that can be sent back unchanged. */
class AppJsonWriteTest {
  /** The fields of Marathon 1.x's AppInfo (its RAML type App plus the status fields). */
  private static final Set<String> APP_INFO_FIELDS = Set.of("id", "acceptedResourceRoles", "args", "backoffFactor",
      "backoffSeconds", "cmd", "constraints", "container", "cpus", "dependencies", "disk", "env", "executor",
      "executorResources", "fetch", "healthChecks", "check", "instances", "labels", "maxLaunchDelaySeconds", "mem",
      "gpus", "ipAddress", "networks", "ports", "portDefinitions", "readinessChecks", "residency", "resourceLimits",
      "requirePorts", "secrets", "taskKillGracePeriodSeconds", "upgradeStrategy", "uris", "user", "version",
      "versionInfo", "killSelection", "unreachableStrategy", "tty", "role", "tasksStaged", "tasksRunning",
      "tasksHealthy", "tasksUnhealthy", "deployments", "readinessCheckResults", "tasks", "lastTaskFailure",
      "tasksStats");
  private static final Set<String> TASK_FIELDS = Set.of("appId", "healthCheckResults", "checkResult", "host", "id",
      "ipAddresses", "ports", "servicePorts", "slaveId", "state", "stagedAt", "startedAt", "version", "localVolumes",
      "region", "zone", "role");
  private static final Set<String> HEALTH_FIELDS = Set.of("alive", "consecutiveFailures", "firstSuccess",
      "instanceId", "lastSuccess", "lastFailure", "lastFailureCause");
  private static final Instant T = Instant.parse("2024-03-01T10:00:05.120Z");

  @ParameterizedTest
  @ValueSource(strings = {"basic-0.json", "fetch.json", "uris.json", "ports.json", "port-definitions.json",
      "constraints.json", "health-http.json", "health-mesos-http.json", "health-tcp.json", "health-command.json",
      "kill-grace.json", "upgrade.json", "app-as-listed.json"})
  void whatIsAnsweredReadsBackToTheSameDefinitionWithoutComplaint(String fixture) {
    AppDefinition app = AppJson.read(Fixtures.bytes(fixture), null).app().withVersion(T);
    ObjectNode written = AppInfoWriter.app(status(app), AppEmbed.ALL);
    AppJson.Parsed back = AppJson.read(MarathonJson.bytes(written), null);
    assertThat(back.ignoredFields()).isEmpty();
    assertThat(back.app()).isEqualTo(app.withVersion(null));
  }

  @Test
  void onlyMarathonsFieldNamesAreAnswered() {
    AppDefinition app = AppJson.read(Fixtures.bytes("health-command.json"), null).app().withVersion(T);
    JsonNode written = AppInfoWriter.app(status(app), AppEmbed.ALL);
    assertThat(names(written)).isSubsetOf(APP_INFO_FIELDS);
    JsonNode task = written.get("tasks").get(0);
    assertThat(names(task)).isSubsetOf(TASK_FIELDS);
    assertThat(names(task.get("healthCheckResults").get(0))).isSubsetOf(HEALTH_FIELDS);
    assertThat(names(written.get("lastTaskFailure")))
        .isSubsetOf(Set.of("appId", "host", "message", "state", "taskId", "timestamp", "version", "slaveId"));
  }

  @Test
  void partsAreAnsweredInMarathonsShape() {
    JsonNode constrained = AppWriter.definition(AppJson.read(Fixtures.bytes("constraints.json"), null).app());
    assertThat(constrained.get("constraints").get(0).toString()).isEqualTo("[\"hostname\",\"UNIQUE\"]");
    assertThat(constrained.get("constraints").get(2).toString()).isEqualTo("[\"rack_id\",\"GROUP_BY\",\"3\"]");
    JsonNode checked = AppWriter.definition(AppJson.read(Fixtures.bytes("health-command.json"), null).app());
    assertThat(checked.get("healthChecks").get(0).get("command").get("value").asText())
        .isEqualTo("curl -f -X GET http://$HOST:$PORT0/health");
    JsonNode fetched = AppWriter.definition(AppJson.read(Fixtures.bytes("fetch.json"), null).app());
    assertThat(fetched.get("fetch").get(2).get("destPath").asText()).isEqualTo("other-script.sh");
    JsonNode ported = AppWriter.definition(AppJson.read(Fixtures.bytes("port-definitions.json"), null).app());
    assertThat(ported.get("ports").toString()).isEqualTo("[2001,2002]");
    assertThat(ported.get("portDefinitions").get(0).get("labels").get("VIP_0").asText()).isEqualTo("10.0.0.1:80");
    JsonNode upgrade = AppWriter.definition(AppJson.read(Fixtures.bytes("upgrade.json"), null).app());
    assertThat(upgrade.get("upgradeStrategy").toString())
        .isEqualTo("{\"minimumHealthCapacity\":0.5,\"maximumOverCapacity\":0}");
    assertThat(upgrade.get("mem").toString()).isEqualTo("1024");
  }

  @Test
  void timestampsAreUtcWithMilliseconds() {
    assertThat(Timestamps.format(Instant.parse("2015-09-25T15:13:48.343Z"))).isEqualTo("2015-09-25T15:13:48.343Z");
    assertThat(Timestamps.format(Instant.parse("2015-09-25T15:13:48Z"))).isEqualTo("2015-09-25T15:13:48.000Z");
  }

  private static AppStatusView status(AppDefinition app) {
    TaskView task = new TaskView(app.id().taskIdPrefix() + ".1", app.id(), "agent-1", "10.0.0.7", List.of(31000),
        "TASK_RUNNING", T, T, T, true, null);
    TaskFailureView failure = new TaskFailureView(app.id(), app.id().taskIdPrefix() + ".0", "10.0.0.8", "TASK_FAILED",
        "exited with status 1", T, T);
    return new AppStatusView(app, 0, 1, 1, 0, List.of("d-1"), failure, List.of(task));
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
