package io.corral.master.preemption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Notice}s as stored: {@code {"notices": [{"framework_id": "F1", "task_id": "t1", "agent_id":
 * "A1", "role": "b", "deadline_ms": 1767225600000}]}} (about 120 bytes a task).
 */
public final class NoticesJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NoticesJson() {}

  public static byte[] write(List<Notice> notices) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("notices");
    for (Notice n : notices) {
      list.addObject().put("framework_id", n.frameworkId()).put("task_id", n.taskId()).put("agent_id", n.agentId())
          .put("role", n.role()).put("deadline_ms", n.deadline().toEpochMilli());
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** @throws IOException if the data is not notices (the message says why) */
  public static List<Notice> read(byte[] data, String source) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(data);
    } catch (IOException e) {
      throw new IOException(source + " is not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.path("notices").isArray()) {
      throw new IOException(source + " holds no \"notices\" array");
    }
    List<Notice> out = new ArrayList<>();
    for (JsonNode n : root.get("notices")) {
      if (!n.path("framework_id").isTextual() || !n.path("task_id").isTextual() || !n.path("agent_id").isTextual()
          || !n.path("role").isTextual() || !n.path("deadline_ms").canConvertToLong()) {
        throw new IOException(source + ": a notice lacks framework_id, task_id, agent_id, role or deadline_ms: " + n);
      }
      out.add(new Notice(n.get("framework_id").asText(), n.get("task_id").asText(), n.get("agent_id").asText(),
          n.get("role").asText(), Instant.ofEpochMilli(n.get("deadline_ms").asLong())));
    }
    return out;
  }
}
