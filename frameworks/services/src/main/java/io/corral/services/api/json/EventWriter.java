package io.corral.services.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.ServicesEvent;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * An event as Marathon's {@code /v2/events} wrote it: {@code eventType} first, then its fields
 * ({@code timestamp} among them), app definitions (in a deployment plan's {@code original} and
 * {@code target}) written as the API writes apps ({@link AppWriter}).
 */
public final class EventWriter {
  private EventWriter() {}

  public static ObjectNode event(ServicesEvent event) {
    ObjectNode o = MarathonJson.object();
    o.put("eventType", event.type());
    for (Map.Entry<String, Object> f : event.fields().entrySet()) {
      o.set(f.getKey(), value(f.getValue()));
    }
    if (!o.has("timestamp")) {
      o.put("timestamp", Timestamps.format(Instant.now()));
    }
    return o;
  }

  public static byte[] bytes(ServicesEvent event) {
    return MarathonJson.bytes(event(event));
  }

  private static JsonNode value(Object v) {
    if (v instanceof AppDefinition app) {
      return AppWriter.definition(app);
    }
    if (v instanceof Map<?, ?> map) {
      ObjectNode o = MarathonJson.object();
      map.forEach((k, x) -> o.set(String.valueOf(k), value(x)));
      return o;
    }
    if (v instanceof Collection<?> list) {
      ArrayNode a = MarathonJson.array();
      list.forEach(x -> a.add(value(x)));
      return a;
    }
    if (v instanceof Instant t) {
      return MarathonJson.MAPPER.getNodeFactory().textNode(Timestamps.format(t));
    }
    return MarathonJson.MAPPER.valueToTree(v);
  }
}
