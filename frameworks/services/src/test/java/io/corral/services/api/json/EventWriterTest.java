package io.corral.services.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.ServicesEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Events as Marathon's event stream wrote them. */
class EventWriterTest {
  @Test
  void eventTypeComesFirstThenTheFieldsAndAppsAsTheApiWritesThem() {
    AppDefinition app = AppDefinition.builder(new AppId("/eng/web")).cmd("sleep 1000").instances(2).cpus(0.1)
        .mem(32).version(Instant.parse("2024-05-01T10:00:00.123Z")).build();
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("id", "d-1");
    plan.put("target", Map.of("id", "/", "apps", List.of(app)));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("timestamp", "2024-05-01T10:00:01.000Z");
    fields.put("plan", plan);
    fields.put("ports", List.of(31000, 31001));
    fields.put("message", null);
    JsonNode json = EventWriter.event(new ServicesEvent("deployment_info", fields));

    assertThat(json.fieldNames()).toIterable().containsExactly("eventType", "timestamp", "plan", "ports", "message");
    assertThat(json.get("eventType").asText()).isEqualTo("deployment_info");
    assertThat(json.at("/plan/target/apps/0")).isEqualTo(AppWriter.definition(app));
    assertThat(json.at("/plan/target/apps/0/version").asText()).isEqualTo("2024-05-01T10:00:00.123Z");
    assertThat(json.get("ports").toString()).isEqualTo("[31000,31001]");
    assertThat(json.get("message").isNull()).isTrue();
  }

  @Test
  void anEventWithoutATimestampGetsOne() {
    JsonNode json = EventWriter.event(new ServicesEvent("app_terminated_event", Map.of("appId", "/web")));
    assertThat(json.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
  }
}
