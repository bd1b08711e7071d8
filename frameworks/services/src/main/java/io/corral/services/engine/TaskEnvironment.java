package io.corral.services.engine;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.PortDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The environment a task starts with, as Marathon sets it ("Task Environment Variables"): the host
 * ports ({@code PORT0}..{@code PORTn}, {@code PORT} = {@code PORT0}, {@code PORTS} comma-separated,
 * {@code PORT_<number>} for a declared non-zero port or else for the assigned one, and
 * {@code PORT_<NAME>} for a named port), {@code HOST}, the app's metadata
 * ({@code MARATHON_APP_ID}, {@code MARATHON_APP_VERSION}, {@code MARATHON_APP_RESOURCE_CPUS/MEM/DISK},
 * {@code MARATHON_APP_LABELS} and {@code MARATHON_APP_LABEL_<NAME>}), {@code MESOS_TASK_ID}; then the
 * app's own {@code env}, which wins over all of them. Pure.
 */
final class TaskEnvironment {
  /** Longest label key or value passed on (Marathon's limit, names included). */
  private static final int MAX_LENGTH = 512;
  private static final String LABEL_PREFIX = "MARATHON_APP_LABEL_";

  private TaskEnvironment() {}

  static Map<String, String> of(AppDefinition app, String taskId, String host, List<Integer> ports) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MESOS_TASK_ID", taskId);
    env.put("MARATHON_APP_ID", app.id().toString());
    env.put("MARATHON_APP_VERSION", Times.format(app.version()));
    env.put("MARATHON_APP_RESOURCE_CPUS", number(app.cpus()));
    env.put("MARATHON_APP_RESOURCE_MEM", number(app.mem()));
    env.put("MARATHON_APP_RESOURCE_DISK", number(app.disk()));
    env.putAll(labels(app.labels()));
    env.put("HOST", host);
    env.putAll(ports(app.portDefinitions(), ports));
    env.putAll(app.env());
    return env;
  }

  static Map<String, String> ports(List<PortDefinition> definitions, List<Integer> ports) {
    Map<String, String> env = new LinkedHashMap<>();
    if (ports.isEmpty()) {
      return env;
    }
    for (int i = 0; i < ports.size(); i++) {
      env.put("PORT" + i, Integer.toString(ports.get(i)));
    }
    for (int i = 0; i < ports.size(); i++) {
      PortDefinition d = definitions.get(i);
      int declared = d.port() != 0 ? d.port() : ports.get(i);
      env.put("PORT_" + declared, Integer.toString(ports.get(i)));
      if (d.name() != null && !d.name().isEmpty()) {
        env.put("PORT_" + d.name().toUpperCase(Locale.ROOT), Integer.toString(ports.get(i)));
      }
    }
    env.put("PORT", Integer.toString(ports.get(0)));
    env.put("PORTS", String.join(",", ports.stream().map(String::valueOf).toList()));
    return env;
  }

  static Map<String, String> labels(Map<String, String> labels) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (LABEL_PREFIX.length() + e.getKey().length() < MAX_LENGTH && e.getValue().length() < MAX_LENGTH) {
        values.put(escape(e.getKey()), e.getValue());
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MARATHON_APP_LABELS", String.join(" ", values.keySet()));
    values.forEach((k, v) -> env.put(LABEL_PREFIX + k, v));
    return env;
  }

  private static String escape(String name) {
    return name.replaceAll("[^a-zA-Z0-9_]+", "_").toUpperCase(Locale.ROOT);
  }

  private static String number(double d) {
    return Double.toString(d);
  }
}
