package io.corral.master.roles;

import io.corral.common.roles.RoleNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.common.resources.InvalidResourcesException;
import io.corral.common.resources.Resources;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads what operators send: a quota ({@code {"guarantee": {"cpus": 1.0}, "limit": {"cpus": 2.0}}},
 * either key optional) and weights ({@code {"eng": 2.0, "eng/etl": 3.0}}). Each problem is an
 * {@link IllegalArgumentException} whose message is the one line to show.
 */
public final class QuotaRequests {
  private static final ObjectMapper JSON = new ObjectMapper();

  private QuotaRequests() {}

  /** Parses a quota body. */
  public static Quota quota(byte[] body) {
    JsonNode root = object(body, "a quota");
    Resources guarantee = Resources.EMPTY;
    Resources limit = Resources.EMPTY;
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      switch (e.getKey()) {
        case "guarantee" -> guarantee = resources(e.getValue(), "guarantee");
        case "limit" -> limit = resources(e.getValue(), "limit");
        default -> throw new IllegalArgumentException("unknown key '" + e.getKey()
            + "' in the quota (expected \"guarantee\" and/or \"limit\")");
      }
    }
    return new Quota(guarantee, limit);
  }

  /** Parses a weights body: at least one role, each a valid name with a positive, finite weight. */
  public static Map<String, Double> weights(byte[] body) {
    JsonNode root = object(body, "weights");
    Map<String, Double> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String role = RoleNames.check(e.getKey());
      out.put(role, weight(role, e.getValue()));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no weights given; send {\"<role>\": <weight>, ...}");
    }
    return out;
  }

  /** A weight given for {@code role}: a positive, finite number. */
  public static double weight(String role, JsonNode value) {
    if (!value.isNumber()) {
      throw new IllegalArgumentException("the weight of role '" + role + "' is not a number: " + value);
    }
    return checkWeight(role, value.asDouble());
  }

  public static double checkWeight(String role, double w) {
    if (!(w > 0) || Double.isInfinite(w) || w > 1e6) {
      throw new IllegalArgumentException("the weight of role '" + role + "' must be above 0 and at most 1000000: " + w);
    }
    return w;
  }

  private static JsonNode object(byte[] body, String what) {
    if (body == null || body.length == 0) {
      throw new IllegalArgumentException("the request has no body; send " + what + " as a JSON object");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object with " + what);
    }
    return root;
  }

  private static Resources resources(JsonNode node, String what) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("the " + what + " must be an object of scalar resources, e.g. "
          + "{\"cpus\": 2, \"mem\": 1024}");
    }
    Resources.Builder b = Resources.builder();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (name.equals(Resources.PORTS)) {
        throw new IllegalArgumentException("the " + what + " names 'ports': quotas are on scalar resources only");
      }
      if (!e.getValue().isNumber()) {
        throw new IllegalArgumentException("the " + what + " of '" + name + "' is not a number: " + e.getValue());
      }
      double v = e.getValue().asDouble();
      if (v < 0 || !Double.isFinite(v)) {
        throw new IllegalArgumentException("the " + what + " of '" + name + "' is negative or not finite: " + v);
      }
      try {
        b.scalar(name, v);
      } catch (InvalidResourcesException ex) {
        throw new IllegalArgumentException("the " + what + ": " + ex.getMessage());
      }
    }
    return b.build();
  }

  /**
   * Parses a resources spec as {@code --resources} takes it ({@code cpus:2;mem:1024}), scalars
   * only, for the CLI.
   */
  public static Resources spec(String spec, String what) {
    Resources r;
    try {
      r = Resources.parse(spec);
    } catch (InvalidResourcesException e) {
      throw new IllegalArgumentException(what + " '" + spec + "': " + e.getMessage());
    }
    if (!r.rangeResources().isEmpty()) {
      throw new IllegalArgumentException(what + " '" + spec + "' names ranges: quotas are on scalar resources only");
    }
    return r;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
