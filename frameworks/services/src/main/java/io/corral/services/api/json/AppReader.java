package io.corral.services.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppDefinitionBuilder;
import io.corral.services.app.AppId;
import io.corral.services.app.KillSelection;
import io.corral.services.app.UpgradeStrategy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads one app definition in Marathon's JSON, field by field with Marathon's names, types, ranges
 * and defaults. What Marathon answers but never reads (version, task counts, ...) passes silently;
 * Marathon's fields that have no effect here and unknown fields are ignored and listed.
 */
final class AppReader {
  /** Marathon's pattern for ids in JSON (the segment rules are checked after). */
  private static final Pattern PATH_ID = Pattern.compile(
      "^(\\/?((\\.\\.)|(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9]))?($|\\/))+$");
  private static final List<String> RESERVED = List.of("restart", "tasks", "versions");

  private AppReader() {}

  /**
   * @param id the id from the request's path (PUT, PATCH), null to take the body's {@code id}
   *     (resolved against the root when relative)
   */
  static AppDefinition read(Fields f, AppId id) {
    AppDefinitionBuilder b = AppDefinition.builder(id == null ? idOf(f) : id);
    if (id != null) {
      f.skip("id");
    }
    String cmd = f.string("cmd");
    if (cmd != null && cmd.isEmpty()) {
      f.problems().malformed(f.pathOf("cmd"), "error.minLength");
    }
    b.cmd(cmd);
    List<String> args = f.strings("args");
    b.args(args);
    b.user(f.string("user"));
    b.env(env(f));
    Integer instances = f.integer("instances", 0, null);
    if (instances != null) {
      b.instances(instances);
    }
    Double cpus = f.number("cpus", 0.001, null);
    if (cpus != null) {
      b.cpus(cpus);
    }
    Double mem = f.number("mem", 0.0, null);
    if (mem != null) {
      b.mem(mem);
    }
    Double disk = f.number("disk", 0.0, null);
    if (disk != null) {
      b.disk(disk);
    }
    Integer gpus = f.integer("gpus", 0, null);
    if (gpus != null && gpus > 0) {
      f.problems().invalid(f.pathOf("gpus"), "GPU resources are not supported");
    }
    b.fetch(FetchReader.read(f));
    b.portDefinitions(PortsReader.read(f));
    Boolean requirePorts = f.bool("requirePorts");
    b.requirePorts(requirePorts != null && requirePorts);
    b.constraints(ConstraintReader.read(f));
    b.healthChecks(HealthCheckReader.read(f));
    b.upgradeStrategy(upgradeStrategy(f));
    Integer backoff = f.integer("backoffSeconds", 0, null);
    if (backoff != null) {
      b.backoffSeconds(backoff);
    }
    Double factor = f.number("backoffFactor", 1.0, null);
    if (factor != null) {
      b.backoffFactor(factor);
    }
    Integer maxDelay = f.integer("maxLaunchDelaySeconds", 0, null);
    if (maxDelay != null) {
      b.maxLaunchDelaySeconds(maxDelay);
    }
    KillSelection kill = f.enumValue("killSelection", KillSelection.class);
    if (kill != null) {
      b.killSelection(kill);
    }
    b.labels(f.stringMap("labels"));
    String role = f.string("role");
    if (role != null && role.isEmpty()) {
      f.problems().malformed(f.pathOf("role"), "error.minLength");
    }
    b.role(role == null || role.isEmpty() ? null : role);
    b.acceptedResourceRoles(f.strings("acceptedResourceRoles"));
    Integer grace = f.integer("taskKillGracePeriodSeconds", 0, null);
    if (grace != null) {
      b.taskKillGracePeriodSeconds(grace);
    }
    UnsupportedFields.check(f);
    f.skip("version", "versionInfo", "tasksStaged", "tasksRunning", "tasksHealthy", "tasksUnhealthy", "deployments",
        "tasks", "lastTaskFailure", "readinessCheckResults", "taskStats", "tasksStats");
    f.ignoreUnread();
    return b.build();
  }

  private static AppId idOf(Fields f) {
    if (!f.has("id")) {
      f.skip("id");
      f.problems().malformed(f.pathOf("id"), "error.path.missing");
      return AppId.ROOT;
    }
    String raw = f.string("id", PATH_ID);
    if (raw == null) {
      return AppId.ROOT;
    }
    try {
      AppId id = AppId.resolve(AppId.ROOT, raw);
      if (id.isRoot()) {
        f.problems().invalid(f.pathOf("id"), "Path must contain at least one path element");
      } else if (RESERVED.contains(id.name())) {
        f.problems().invalid(f.pathOf("id"),
            "must not end with any of the following reserved keywords: restart, tasks, versions, ., ..");
      }
      return id;
    } catch (IllegalArgumentException e) {
      f.problems().invalid(f.pathOf("id"), e.getMessage());
      return AppId.ROOT;
    }
  }

  /** {@code env}: string values; Marathon's secret references are refused. */
  private static Map<String, String> env(Fields f) {
    JsonNode v = f.raw("env");
    if (v == null) {
      return Map.of();
    }
    if (!v.isObject()) {
      f.problems().malformed(f.pathOf("env"), "error.expected.jsobject");
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    v.fields().forEachRemaining(e -> {
      String at = f.pathOf("env") + "/" + e.getKey();
      if (e.getValue().isTextual()) {
        out.put(e.getKey(), e.getValue().textValue());
      } else if (e.getValue().isObject() && e.getValue().has("secret")) {
        f.problems().invalid(at, "secret references are not supported; give the value itself");
      } else {
        f.problems().malformed(at, "error.expected.jsstring");
      }
    });
    return out;
  }

  private static UpgradeStrategy upgradeStrategy(Fields app) {
    JsonNode v = app.raw("upgradeStrategy");
    if (v == null) {
      return UpgradeStrategy.DEFAULT;
    }
    Fields f = Fields.of(v, app.pathOf("upgradeStrategy"), app.problems());
    if (f == null) {
      return UpgradeStrategy.DEFAULT;
    }
    Double min = f.number("minimumHealthCapacity", 0.0, 1.0);
    Double over = f.number("maximumOverCapacity", 0.0, 1.0);
    f.ignoreUnread();
    return new UpgradeStrategy(min == null ? UpgradeStrategy.DEFAULT.minimumHealthCapacity() : min,
        over == null ? UpgradeStrategy.DEFAULT.maximumOverCapacity() : over);
  }
}
