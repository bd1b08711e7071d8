package io.corral.master.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.common.resources.InvalidResourcesException;
import io.corral.common.resources.PooledResources;
import java.io.IOException;

/**
 * Reads the body of {@code POST /api/v1/agents/<id>/reserve} and {@code .../unreserve}: {@code
 * {"resources": "cpus(eng/etl):1;mem(eng/etl):512"}}. Each problem is an {@link
 * IllegalArgumentException} whose message is the one line to show.
 */
final class ReserveRequest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReserveRequest() {}

  /** The resources to reserve or unreserve, each naming its role. */
  static PooledResources resources(byte[] body, String what) {
    String example = "send {\"resources\": \"cpus(<role>):1;mem(<role>):512\"}";
    if (body == null || body.length == 0) {
      throw new IllegalArgumentException("the request has no body; " + example);
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not valid JSON; " + example);
    }
    if (root == null || !root.isObject() || root.size() != 1 || !root.path("resources").isTextual()) {
      throw new IllegalArgumentException("the body must be a JSON object with one key, \"resources\", a string; "
          + example);
    }
    String spec = root.get("resources").asText();
    PooledResources wanted;
    try {
      wanted = PooledResources.parse(spec);
    } catch (InvalidResourcesException e) {
      throw new IllegalArgumentException("resources '" + spec + "': " + e.getMessage());
    }
    if (wanted.isEmpty()) {
      throw new IllegalArgumentException("no resources to " + what + "; " + example);
    }
    if (!wanted.unreserved().isEmpty()) {
      throw new IllegalArgumentException("every resource to " + what + " needs its role, as cpus(eng):1 ('"
          + wanted.unreserved() + "' names none)");
    }
    return wanted;
  }
}
