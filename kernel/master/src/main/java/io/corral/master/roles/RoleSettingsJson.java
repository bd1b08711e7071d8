package io.corral.master.roles;

import io.corral.common.roles.RoleNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.common.resources.Resources;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link RoleSettings} as stored:
 * {@code {"quotas": {"eng": {"guarantee": {"cpus": 4.0}, "limit": {}}}, "weights": {"eng/etl": 3.0}}}.
 */
public final class RoleSettingsJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RoleSettingsJson() {}

  public static byte[] write(RoleSettings settings) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode quotas = root.putObject("quotas");
    settings.quotas().forEach((role, q) -> {
      ObjectNode n = quotas.putObject(role);
      resources(n.putObject("guarantee"), q.guarantee());
      resources(n.putObject("limit"), q.limit());
    });
    ObjectNode weights = root.putObject("weights");
    settings.weights().forEach(weights::put);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** @throws IOException if the data is not role settings (the message says why) */
  public static RoleSettings read(byte[] data, String source) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(data);
    } catch (IOException e) {
      throw new IOException(source + " is not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException(source + " is not a JSON object");
    }
    try {
      Map<String, Quota> quotas = new TreeMap<>();
      JsonNode q = root.path("quotas");
      for (Iterator<Map.Entry<String, JsonNode>> it = q.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        quotas.put(RoleNames.check(e.getKey()), QuotaRequests.quota(JSON.writeValueAsBytes(e.getValue())));
      }
      Map<String, Double> weights = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.path("weights").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        weights.put(RoleNames.check(e.getKey()), QuotaRequests.weight(e.getKey(), e.getValue()));
      }
      return new RoleSettings(quotas, weights);
    } catch (IllegalArgumentException e) {
      throw new IOException(source + ": " + e.getMessage(), e);
    }
  }

  private static void resources(ObjectNode out, Resources r) {
    r.scalars().forEach(out::put);
  }
}
