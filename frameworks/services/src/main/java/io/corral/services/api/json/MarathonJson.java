package io.corral.services.api.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** The JSON of the Marathon API: trees built field by field, in Marathon's names and order. */
public final class MarathonJson {
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private MarathonJson() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /** The body as a tree; an empty or broken body is a {@link MalformedJsonException}. */
  public static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw new MalformedJsonException("No content to map due to end-of-input");
    }
    try {
      return MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedJsonException(e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedJsonException(String.valueOf(e.getMessage()));
    }
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
