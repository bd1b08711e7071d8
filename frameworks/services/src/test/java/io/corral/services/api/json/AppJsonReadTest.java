package io.corral.services.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.Constraint;
import io.corral.services.app.Constraint.Operator;
import io.corral.services.app.FetchUri;
import io.corral.services.app.HealthCheck;
import io.corral.services.app.KillSelection;
import io.corral.services.app.PortDefinition;
import io.corral.services.app.UpgradeStrategy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Marathon's documented app definitions are accepted unchanged and mean what Marathon's docs say. */
class AppJsonReadTest {
  private static AppJson.Parsed read(String fixture) {
    return AppJson.read(Fixtures.bytes(fixture), null);
  }

  @Test
  void theHelloMarathonAppGetsMarathonsDefaults() {
    AppJson.Parsed parsed = read("basic-0.json");
    AppDefinition app = parsed.app();
    assertThat(app.id()).isEqualTo(new AppId("/basic-0"));
    assertThat(app.cmd()).startsWith("while [ true ]");
    assertThat(app.cpus()).isEqualTo(0.1);
    assertThat(app.mem()).isEqualTo(10.0);
    assertThat(app.instances()).isEqualTo(1);
    assertThat(app.portDefinitions()).containsExactly(PortDefinition.any());
    assertThat(app.backoffFactor()).isEqualTo(1.15);
    assertThat(app.upgradeStrategy()).isEqualTo(UpgradeStrategy.DEFAULT);
    assertThat(parsed.ignoredFields()).isEmpty();
  }

  @Test
  void fetchEntriesKeepTheirFlagsAndExtractDefaultsToTrue() {
    assertThat(read("fetch.json").app().fetch()).containsExactly(
        new FetchUri("https://example.com/app/cool-script.sh", true, true, false, null),
        new FetchUri("https://example.com/app.zip", true, false, true, null),
        new FetchUri("https://example.com/some-script.sh", true, false, false, "other-script.sh"),
        new FetchUri("https://git.example.com/docs-bundle.zip", false, false, false, null));
  }

  @Test
  void olderUrisBecomeFetchEntriesExtractedWhenArchives() {
    AppDefinition app = read("uris.json").app();
    assertThat(app.id()).isEqualTo(new AppId("/tools/legacy"));
    assertThat(app.fetch()).containsExactly(
        new FetchUri("https://example.com/dist/app-1.2.tgz", true, false, false, null),
        new FetchUri("https://raw.github.com/mesosphere/marathon/master/README.md", false, false, false, null));
  }

  @Test
  void olderPortsAndPortDefinitionsBothGivePorts() {
    assertThat(read("ports.json").app().portDefinitions())
        .containsExactly(PortDefinition.of(0), PortDefinition.of(0), PortDefinition.of(0));
    AppDefinition fixed = read("port-definitions.json").app();
    assertThat(fixed.requirePorts()).isTrue();
    assertThat(fixed.portDefinitions()).containsExactly(
        new PortDefinition(2001, "tcp", "http", Map.of("VIP_0", "10.0.0.1:80")),
        new PortDefinition(2002, "udp,tcp", "admin", Map.of()));
  }

  @Test
  void everyConstraintOperatorOfTheDocs() {
    assertThat(read("constraints.json").app().constraints()).containsExactly(
        new Constraint("hostname", Operator.UNIQUE, null),
        new Constraint("rack_id", Operator.CLUSTER, "rack-1"),
        new Constraint("rack_id", Operator.GROUP_BY, "3"),
        new Constraint("rack_id", Operator.LIKE, "rack-[1-3]"),
        new Constraint("rack_id", Operator.UNLIKE, "rack-[7-9]"),
        new Constraint("rack_id", Operator.MAX_PER, "2"),
        new Constraint("level", Operator.IS, "0.8"));
  }

  @Test
  void constraintsInThePodsObjectFormAndLowerCaseOperators() {
    AppDefinition app = AppJson.read(Fixtures.json("""
        {"id": "/c", "cmd": "sleep 1", "constraints": [
          {"fieldName": "hostname", "operator": "UNIQUE"}, ["rack", "group_by"]]}"""), null).app();
    assertThat(app.constraints()).containsExactly(new Constraint("hostname", Operator.UNIQUE, null),
        new Constraint("rack", Operator.GROUP_BY, null));
  }

  @Test
  void healthChecksOfEachDocumentedKind() {
    assertThat(read("health-http.json").app().healthChecks()).containsExactly(
        new HealthCheck(HealthCheck.Protocol.HTTP, "/api/health", 0, null, null, 300, 60, 20, 3, 15, false));
    assertThat(read("health-mesos-http.json").app().healthChecks()).containsExactly(
        new HealthCheck(HealthCheck.Protocol.MESOS_HTTP, "/api/health", 0, null, null, 300, 60, 20, 3, 15, false));
    assertThat(read("health-tcp.json").app().healthChecks()).containsExactly(
        new HealthCheck(HealthCheck.Protocol.TCP, null, 0, null, null, 300, 60, 20, 0, 15, false));
    assertThat(read("health-command.json").app().healthChecks()).containsExactly(
        new HealthCheck(HealthCheck.Protocol.COMMAND, null, null, null, "curl -f -X GET http://$HOST:$PORT0/health",
            300, 60, 20, 3, 15, false));
  }

  @Test
  void aHealthCheckWithOnlyAProtocolGetsMarathonsDefaults() {
    AppDefinition app = AppJson.read(Fixtures.json("""
        {"id": "/h", "cmd": "x", "healthChecks": [{}]}"""), null).app();
    assertThat(app.healthChecks()).containsExactly(HealthCheck.defaults(HealthCheck.Protocol.HTTP));
  }

  @Test
  void killGracePeriodLabelsUserEnvAndStrategy() {
    AppDefinition foo = read("kill-grace.json").app();
    assertThat(foo.taskKillGracePeriodSeconds()).isEqualTo(30.0);
    assertThat(foo.labels()).containsExactly(Map.entry("owner", "zeus"), Map.entry("note", "Away from olympus"));
    AppDefinition oauth = read("upgrade.json").app();
    assertThat(oauth.user()).isEqualTo("nobody");
    assertThat(oauth.env()).containsEntry("LD_LIBRARY_PATH", "/usr/local/lib/myLib");
    assertThat(oauth.upgradeStrategy()).isEqualTo(new UpgradeStrategy(0.5, 0.0));
    assertThat(oauth.backoffSeconds()).isEqualTo(2.0);
    assertThat(oauth.backoffFactor()).isEqualTo(1.5);
    assertThat(oauth.maxLaunchDelaySeconds()).isEqualTo(3600.0);
    assertThat(oauth.killSelection()).isEqualTo(KillSelection.OLDEST_FIRST);
    assertThat(oauth.acceptedResourceRoles()).isEqualTo(List.of("*"));
  }

  @Test
  void anAppAsMarathonListedItIsAcceptedBackWithoutComplaint() {
    AppJson.Parsed parsed = read("app-as-listed.json");
    assertThat(parsed.ignoredFields()).isEmpty();
    assertThat(parsed.app().ports()).containsExactly(10013, 10015);
    assertThat(parsed.app().constraints()).containsExactly(new Constraint("hostname", Operator.UNIQUE, null));
    assertThat(parsed.app().version()).isNull(); // the store sets versions, not the client
  }

  @Test
  void unknownFieldsAndMarathonsUnusedOnesAreListedNotRefused() {
    AppJson.Parsed parsed = AppJson.read(Fixtures.json("""
        {"id": "/u", "cmd": "x", "colour": "blue", "dependencies": ["/db"], "readinessChecks": [{"name": "r"}],
         "healthChecks": [{"protocol": "TCP", "flavour": 1}], "fetch": [{"uri": "http://x/y", "mode": 7}],
         "executor": "//cmd", "tty": false}"""), null);
    assertThat(parsed.ignoredFields()).containsExactlyInAnyOrder("healthChecks(0)/flavour", "fetch(0)/mode",
        "dependencies", "readinessChecks", "colour");
  }

  @Test
  void aPatchReplacesOnlyTheFieldsItGives() {
    AppDefinition current = read("health-http.json").app();
    AppDefinition patched = AppJson.merge(current, Fixtures.json("""
        {"id": "/ignored", "instances": 7, "env": {"A": "1"}, "args": ["python3", "-m", "http.server"]}""")).app();
    assertThat(patched.id()).isEqualTo(current.id());
    assertThat(patched.instances()).isEqualTo(7);
    assertThat(patched.env()).isEqualTo(Map.of("A", "1"));
    assertThat(patched.cmd()).isNull();
    assertThat(patched.args()).containsExactly("python3", "-m", "http.server");
    assertThat(patched.healthChecks()).isEqualTo(current.healthChecks());
    assertThat(patched.mem()).isEqualTo(current.mem());
    AppDefinition ported = AppJson.merge(current, Fixtures.json("{\"ports\": [0, 0]}")).app();
    assertThat(ported.ports()).containsExactly(0, 0);
  }
}
