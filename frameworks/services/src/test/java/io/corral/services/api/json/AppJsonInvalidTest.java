package io.corral.services.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.services.app.AppDefinition;
import org.junit.jupiter.api.Test;

/** Invalid definitions are refused with Marathon's 422 body: its message, one detail per path, its error texts. */
class AppJsonInvalidTest {
  private static final String CMD_OR_ARGS =
      "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.";

  private static void assertRefused(String app, String expectedBody) {
    InvalidRequestException e = catchThrowableOfType(() -> AppJson.read(Fixtures.json(app), null),
        InvalidRequestException.class);
    assertThat(e).as("refused: %s", app).isNotNull();
    assertThat(e.status()).isEqualTo(422);
    JsonNode expected = MarathonJson.parse(Fixtures.json(expectedBody));
    assertThat(e.toJson()).as("body").isEqualTo(expected);
  }

  @Test
  void brokenJsonIsA400WithTheParsersWords() {
    MalformedJsonException e = catchThrowableOfType(() -> AppJson.read(Fixtures.json("{\"id\": \"/x\", "), null),
        MalformedJsonException.class);
    assertThat(e.getMessage()).isEqualTo("Invalid JSON");
    assertThat(e.details()).isNotBlank();
    assertThat(catchThrowableOfType(() -> AppJson.read(new byte[0], null), MalformedJsonException.class)).isNotNull();
  }

  @Test
  void valuesOutOfRangeGetMarathonsErrorKeys() {
    assertRefused("""
        {"id": "/x", "cmd": "x", "instances": -1, "cpus": 0, "mem": -1, "disk": -5, "backoffFactor": 0.5,
         "upgradeStrategy": {"minimumHealthCapacity": 1.5, "maximumOverCapacity": -0.1}}""", """
        {"message": "Invalid JSON", "details": [
          {"path": "/instances", "errors": ["error.min"]},
          {"path": "/cpus", "errors": ["error.min"]},
          {"path": "/mem", "errors": ["error.min"]},
          {"path": "/disk", "errors": ["error.min"]},
          {"path": "/upgradeStrategy/minimumHealthCapacity", "errors": ["error.max"]},
          {"path": "/upgradeStrategy/maximumOverCapacity", "errors": ["error.min"]},
          {"path": "/backoffFactor", "errors": ["error.min"]}]}""");
  }

  @Test
  void valuesOfTheWrongTypeGetMarathonsErrorKeys() {
    assertRefused("""
        {"id": "/x", "cmd": "x", "instances": "3", "backoffSeconds": 1.5, "requirePorts": "yes",
         "killSelection": "RANDOM", "labels": {"a": 1}, "healthChecks": {}}""", """
        {"message": "Invalid JSON", "details": [
          {"path": "/instances", "errors": ["error.expected.jsnumber"]},
          {"path": "/requirePorts", "errors": ["error.expected.jsboolean"]},
          {"path": "/healthChecks", "errors": ["error.expected.jsarray"]},
          {"path": "/backoffSeconds", "errors": ["error.expected.int"]},
          {"path": "/killSelection", "errors": ["error.unknown.enum.literal"]},
          {"path": "/labels/a", "errors": ["error.expected.jsstring"]}]}""");
  }

  @Test
  void idsMustBeMarathonPaths() {
    assertRefused("{\"cmd\": \"x\"}",
        "{\"message\": \"Invalid JSON\", \"details\": [{\"path\": \"/id\", \"errors\": [\"error.path.missing\"]}]}");
    assertRefused("{\"id\": \"/Eng/Web\", \"cmd\": \"x\"}",
        "{\"message\": \"Invalid JSON\", \"details\": [{\"path\": \"/id\", \"errors\": [\"error.pattern\"]}]}");
    assertRefused("{\"id\": \"/eng/restart\", \"cmd\": \"x\"}", """
        {"message": "Object is not valid", "details": [{"path": "/id", "errors":
          ["must not end with any of the following reserved keywords: restart, tasks, versions, ., .."]}]}""");
    assertRefused("{\"id\": \"/\", \"cmd\": \"x\"}", """
        {"message": "Object is not valid", "details": [{"path": "/id", "errors":
          ["Path must contain at least one path element"]}]}""");
  }

  @Test
  void exactlyOneOfCmdAndArgs() {
    String expected = "{\"message\": \"Object is not valid\", \"details\": [{\"path\": \"/\", \"errors\": [\""
        + CMD_OR_ARGS + "\"]}]}";
    assertRefused("{\"id\": \"/x\", \"cmd\": \"sleep 1\", \"args\": [\"sleep\", \"1\"]}", expected);
    assertRefused("{\"id\": \"/x\"}", expected);
  }

  @Test
  void constraintsAreJudgedByMarathonsRules() {
    assertRefused("""
        {"id": "/x", "cmd": "x", "constraints": [["hostname", "NEAR"], ["rack", "LIKE", "rack-["], ["rack", "LIKE"],
          ["rack", "MAX_PER", "two"], ["rack", "GROUP_BY", "x"], ["hostname", "UNIQUE", "x"], ["hostname"],
          ["rack", "CLUSTER"]]}""", """
        {"message": "Object is not valid", "details": [
          {"path": "/constraints(0)", "errors":
            ["operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS"]},
          {"path": "/constraints(1)", "errors": ["is not a valid regular expression"]},
          {"path": "/constraints(2)", "errors": ["LIKE and UNLIKE require a non-empty, regular expression value"]},
          {"path": "/constraints(3)", "errors": ["MAX_PER requires an integer value"]},
          {"path": "/constraints(4)", "errors": ["GROUP BY must define an integer value or else no value at all"]},
          {"path": "/constraints(5)", "errors": ["UNIQUE does not accept a value"]},
          {"path": "/constraints(6)", "errors": ["Each constraint must have either 2 or 3 fields"]}]}""");
  }

  @Test
  void healthChecksMustAddressAPortAndThereIsOneAtMost() {
    assertRefused("""
        {"id": "/x", "cmd": "x", "healthChecks": [{"protocol": "HTTP", "portIndex": 1}]}""", """
        {"message": "Object is not valid", "details": [{"path": "/healthChecks(0)", "errors":
          ["Health check port indices must address an element of the ports array or container port mappings."]}]}""");
    assertRefused("""
        {"id": "/x", "cmd": "x", "portDefinitions": [], "healthChecks": [{"protocol": "MESOS_TCP"}]}""", """
        {"message": "Object is not valid", "details": [{"path": "/healthChecks(0)", "errors":
          ["Health check port indices must address an element of the ports array or container port mappings."]}]}""");
    assertRefused("""
        {"id": "/x", "cmd": "x", "healthChecks": [{"protocol": "HTTP"}, {"protocol": "TCP"}]}""", """
        {"message": "Object is not valid", "details": [{"path": "/healthChecks", "errors":
          ["at most one health check per app: Corral's agent runs it next to each task; keep the one that matters"]}]}""");
    assertRefused("""
        {"id": "/x", "cmd": "x", "healthChecks": [{"protocol": "COMMAND"}]}""", """
        {"message": "Object is not valid", "details": [{"path": "/healthChecks(0)/command", "errors":
          ["a COMMAND health check needs a command: {\\"value\\": \\"...\\"}"]}]}""");
  }

  @Test
  void portsMustBeUniqueAndAgree() {
    assertRefused("""
        {"id": "/x", "cmd": "x", "portDefinitions": [{"port": 0, "name": "http"}, {"port": 0, "name": "http"}]}""", """
        {"message": "Object is not valid", "details": [{"path": "/portDefinitions", "errors": ["Port names must be unique."]}]}""");
    assertRefused("""
        {"id": "/x", "cmd": "x", "ports": [80, 80]}""", """
        {"message": "Object is not valid", "details": [{"path": "/ports", "errors": ["Ports must be unique."]}]}""");
    assertRefused("""
        {"id": "/x", "cmd": "x", "ports": [0], "portDefinitions": [{"port": 0}, {"port": 0}]}""", """
        {"message": "Object is not valid", "details": [{"path": "/", "errors": ["cannot specify both ports and port definitions"]}]}""");
    assertRefused("""
        {"id": "/x", "cmd": "x", "portDefinitions": [{"port": 70000, "name": "Http", "protocol": "sctp"}]}""", """
        {"message": "Invalid JSON", "details": [
          {"path": "/portDefinitions(0)/port", "errors": ["error.max"]},
          {"path": "/portDefinitions(0)/name", "errors": ["error.pattern"]},
          {"path": "/portDefinitions(0)/protocol", "errors": ["error.unknown.enum.literal"]}]}""");
  }

  @Test
  void urisAndFetchTogetherAreRefused() {
    assertRefused("""
        {"id": "/x", "cmd": "x", "uris": ["http://a/b"], "fetch": [{"uri": "http://a/c"}]}""", """
        {"message": "Object is not valid", "details": [{"path": "/uris", "errors": ["may not be set in conjunction with fetch"]}]}""");
  }

  @Test
  void whatCorralDoesNotRunIsRefusedNotIgnored() {
    assertRefused("""
        {"id": "/foo", "cmd": "sleep 1000", "gpus": 1,
         "container": {"type": "DOCKER", "docker": {"image": "mesosphere:marathon/latest", "network": "BRIDGE"}},
         "env": {"XPS1": "Test", "PASSWORD": {"secret": "/db/password"}},
         "secrets": {"secret1": {"source": "/db/password"}},
         "networks": [{"mode": "container/bridge"}]}""", """
        {"message": "Object is not valid", "details": [
          {"path": "/env/PASSWORD", "errors": ["secret references are not supported; give the value itself"]},
          {"path": "/gpus", "errors": ["GPU resources are not supported"]},
          {"path": "/container", "errors": ["containers are not supported"]},
          {"path": "/networks", "errors": ["container networks are not supported; only host networking"]},
          {"path": "/secrets", "errors": ["secrets are not supported"]}]}""");
  }

  @Test
  void aMesosContainerWithoutAnImageAndHostNetworkingAreAccepted() {
    AppJson.Parsed parsed = AppJson.read(Fixtures.json("""
        {"id": "/x", "cmd": "x", "container": {"type": "MESOS", "volumes": []}, "networks": [{"mode": "host"}],
         "gpus": 0, "secrets": {}}"""), null);
    assertThat(parsed.ignoredFields()).isEmpty();
  }

  @Test
  void returningToAStoredVersionIsRefusedNotIgnored() {
    AppDefinition current = AppJson.read(Fixtures.bytes("basic-0.json"), null).app();
    InvalidRequestException e = catchThrowableOfType(() -> AppJson.merge(current,
        Fixtures.json("{\"id\": \"/basic-0\", \"version\": \"2015-09-25T15:13:48.343Z\"}")), InvalidRequestException.class);
    assertThat(e.toJson().get("details").get(0).get("path").asText()).isEqualTo("/version");
    AppJson.Parsed withOthers = AppJson.merge(current,
        Fixtures.json("{\"instances\": 2, \"version\": \"2015-09-25T15:13:48.343Z\"}"));
    assertThat(withOthers.app().instances()).isEqualTo(2);
  }

  @Test
  void aBodyThatIsNoObjectIsRefused() {
    assertRefused("[{\"id\": \"/x\"}]",
        "{\"message\": \"Invalid JSON\", \"details\": [{\"path\": \"/\", \"errors\": [\"error.expected.jsobject\"]}]}");
  }
}
