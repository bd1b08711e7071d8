package io.corral.services.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Marathon's fields for what Corral's services do not run: containers with images, container
 * networks, secrets are refused (the app would not run as its owner meant); the rest (readiness
 * checks, dependencies, unreachable strategy, ...) are accepted and reported as ignored.
 */
final class UnsupportedFields {
  private static final Set<String> DEFAULT_EXECUTORS = Set.of("", "//cmd");

  private UnsupportedFields() {}

  static void check(Fields f) {
    container(f);
    networks(f);
    JsonNode secrets = f.raw("secrets");
    if (secrets != null && !secrets.isEmpty()) {
      f.problems().invalid(f.pathOf("secrets"), "secrets are not supported");
    }
    String executor = f.string("executor");
    if (executor != null && !DEFAULT_EXECUTORS.contains(executor)) {
      f.problems().ignored(f.pathOf("executor"));
    }
    f.ignore("dependencies", "readinessChecks", "unreachableStrategy", "residency", "tty", "check",
        "executorResources", "resourceLimits", "ipAddress", "storeUrls");
  }

  /** Accepted: none, or a Mesos container without an image, volumes or port mappings. */
  private static void container(Fields f) {
    JsonNode c = f.raw("container");
    if (c == null) {
      return;
    }
    boolean plainMesos = c.isObject() && c.path("type").asText("").equalsIgnoreCase("MESOS")
        && absent(c, "docker") && absent(c, "appc") && absent(c, "volumes") && absent(c, "portMappings");
    if (!plainMesos) {
      f.problems().invalid(f.pathOf("container"), "containers are not supported");
    }
  }

  /** Accepted: none, or host networking only. */
  private static void networks(Fields f) {
    JsonNode n = f.raw("networks");
    if (n == null) {
      return;
    }
    if (!n.isArray()) {
      f.problems().malformed(f.pathOf("networks"), "error.expected.jsarray");
      return;
    }
    for (JsonNode network : n) {
      if (!network.path("mode").asText("container").equals("host")) {
        f.problems().invalid(f.pathOf("networks"), "container networks are not supported; only host networking");
        return;
      }
    }
  }

  private static boolean absent(JsonNode c, String name) {
    JsonNode v = c.get(name);
    return v == null || v.isNull() || (v.isContainerNode() && v.isEmpty());
  }
}
