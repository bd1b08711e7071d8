package io.corral.frameworks.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON as the peers' APIs write it: camelCase, their timestamps, unknown fields accepted and told. */
class PeerJsonTest {
  record HealthCheck(String protocol, String path, Integer portIndex) {}

  record App(String id, int instances, List<HealthCheck> healthChecks, Map<String, String> env, Instant version) {}

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void unknownFieldsAreAcceptedAndToldWithWhereTheyWere() {
    PeerJson.Parsed<App> p = PeerJson.read(json("""
        {"id": "/eng/web", "instances": 2, "executor": "//cmd", "container": {"docker": {"image": "x"}},
         "healthChecks": [{"protocol": "HTTP", "path": "/health", "ignoreHttp1xx": false, "portIndex": 0}],
         "env": {"A": "1"}, "version": "2024-05-01T10:00:00.000Z", "upgradeStrategy": [1, 2]}
        """), App.class);
    assertThat(p.value()).isEqualTo(new App("/eng/web", 2, List.of(new HealthCheck("HTTP", "/health", 0)),
        Map.of("A", "1"), Instant.parse("2024-05-01T10:00:00Z")));
    assertThat(p.unknownFields()).containsExactly("/container", "/executor", "/healthChecks/0/ignoreHttp1xx",
        "/upgradeStrategy");
    assertThat(p.warning("app /eng/web")).contains("ignored unknown fields of app /eng/web: /container, /executor, "
        + "/healthChecks/0/ignoreHttp1xx, /upgradeStrategy");
    assertThat(PeerJson.read(json("{\"id\": \"/a\", \"instances\": 1}"), App.class).warning("app /a")).isEmpty();
  }

  @Test
  void aBodyThatIsNoJsonOrHasAValueOfTheWrongKindSaysWhereInOneLine() {
    assertThatThrownBy(() -> PeerJson.read(json("{\"id\": \"/a\", "), App.class))
        .isInstanceOfSatisfying(JsonInputException.class, e -> {
          assertThat(e.malformed()).isTrue();
          assertThat(e.getMessage()).startsWith("invalid JSON: ").doesNotContain("\n");
        });
    assertThatThrownBy(() -> PeerJson.read(json("{\"id\": \"/a\", \"healthChecks\": [{\"portIndex\": \"zero\"}]}"),
        App.class))
        .isInstanceOfSatisfying(JsonInputException.class, e -> {
          assertThat(e.malformed()).isFalse();
          assertThat(e.path()).isEqualTo("/healthChecks/0/portIndex");
          assertThat(e.getMessage()).startsWith("invalid value at /healthChecks/0/portIndex: ").doesNotContain("\n");
        });
    assertThatThrownBy(() -> PeerJson.read(json(""), App.class)).isInstanceOf(JsonInputException.class);
  }

  @Test
  void timestampsAreWrittenToTheMillisecondInUtcAndReadWithAnyOffset() {
    assertThat(PeerJson.timestamp(Instant.parse("2024-05-01T10:00:00Z"))).isEqualTo("2024-05-01T10:00:00.000Z");
    assertThat(PeerJson.timestamp(Instant.parse("2024-05-01T10:00:00.123456789Z"))).isEqualTo("2024-05-01T10:00:00.123Z");
    assertThat(new String(PeerJson.write(new App("/a", 1, List.of(), Map.of(), Instant.parse("2024-12-31T23:59:59.5Z"))),
        StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"/a\",\"instances\":1,\"healthChecks\":[],\"env\":{},"
            + "\"version\":\"2024-12-31T23:59:59.500Z\"}");
    assertThat(PeerJson.parseTimestamp("2024-05-01T12:00:00+02:00")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(PeerJson.read(json("{\"id\": \"/a\", \"instances\": 1, \"version\": 1714557600000}"), App.class).value()
        .version()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThatThrownBy(() -> PeerJson.read(json("{\"id\": \"/a\", \"version\": \"yesterday\"}"), App.class))
        .isInstanceOfSatisfying(JsonInputException.class, e -> assertThat(e.path()).isEqualTo("/version"));
  }
}
