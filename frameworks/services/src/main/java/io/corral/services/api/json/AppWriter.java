package io.corral.services.api.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.Constraint;
import io.corral.services.app.FetchUri;
import io.corral.services.app.HealthCheck;
import io.corral.services.app.PortDefinition;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An app definition as Marathon 1.x answered it: its field names, its order, fields it left out when
 * empty left out. Both {@code portDefinitions} and the older {@code ports} are answered (they agree,
 * so the answer can be sent back as is); the older {@code uris} is not (Marathon answered {@code fetch}).
 */
public final class AppWriter {
  private AppWriter() {}

  public static ObjectNode definition(AppDefinition app) {
    ObjectNode o = MarathonJson.object();
    o.put("id", app.id().toString());
    if (app.cmd() != null) {
      o.put("cmd", app.cmd());
    }
    if (!app.args().isEmpty()) {
      strings(o.putArray("args"), app.args());
    }
    if (app.user() != null) {
      o.put("user", app.user());
    }
    map(o.putObject("env"), app.env());
    o.put("instances", app.instances());
    number(o, "cpus", app.cpus());
    number(o, "mem", app.mem());
    number(o, "disk", app.disk());
    o.put("gpus", 0);
    o.put("executor", "");
    ArrayNode constraints = o.putArray("constraints");
    for (Constraint c : app.constraints()) {
      ArrayNode a = constraints.addArray().add(c.field()).add(c.operator().name());
      if (c.value() != null) {
        a.add(c.value());
      }
    }
    ArrayNode fetch = o.putArray("fetch");
    app.fetch().forEach(f -> fetch(fetch.addObject(), f));
    number(o, "backoffSeconds", app.backoffSeconds());
    number(o, "backoffFactor", app.backoffFactor());
    number(o, "maxLaunchDelaySeconds", app.maxLaunchDelaySeconds());
    ArrayNode checks = o.putArray("healthChecks");
    app.healthChecks().forEach(h -> healthCheck(checks.addObject(), h));
    o.putArray("dependencies");
    ObjectNode upgrade = o.putObject("upgradeStrategy");
    number(upgrade, "minimumHealthCapacity", app.upgradeStrategy().minimumHealthCapacity());
    number(upgrade, "maximumOverCapacity", app.upgradeStrategy().maximumOverCapacity());
    o.put("killSelection", app.killSelection().name());
    map(o.putObject("labels"), app.labels());
    if (!app.acceptedResourceRoles().isEmpty()) {
      strings(o.putArray("acceptedResourceRoles"), app.acceptedResourceRoles());
    }
    if (app.taskKillGracePeriodSeconds() > 0) {
      number(o, "taskKillGracePeriodSeconds", app.taskKillGracePeriodSeconds());
    }
    if (app.role() != null) {
      o.put("role", app.role());
    }
    if (app.version() != null) {
      o.put("version", Timestamps.format(app.version()));
      ObjectNode info = o.putObject("versionInfo");
      info.put("lastScalingAt", Timestamps.format(orElse(app.lastScalingAt(), app.version())));
      info.put("lastConfigChangeAt", Timestamps.format(orElse(app.lastConfigChangeAt(), app.version())));
    }
    o.put("requirePorts", app.requirePorts());
    ArrayNode ports = o.putArray("ports");
    app.portDefinitions().forEach(p -> ports.add(p.port()));
    ArrayNode definitions = o.putArray("portDefinitions");
    app.portDefinitions().forEach(p -> portDefinition(definitions.addObject(), p));
    o.putArray("networks").addObject().put("mode", "host");
    return o;
  }

  static void healthCheck(ObjectNode o, HealthCheck h) {
    o.put("protocol", h.protocol().name());
    if (h.path() != null) {
      o.put("path", h.path());
    }
    if (h.port() != null) {
      o.put("port", h.port());
    } else if (h.portIndex() != null) {
      o.put("portIndex", h.portIndex());
    }
    if (h.command() != null) {
      o.putObject("command").put("value", h.command());
    }
    o.put("gracePeriodSeconds", h.gracePeriodSeconds());
    o.put("intervalSeconds", h.intervalSeconds());
    o.put("timeoutSeconds", h.timeoutSeconds());
    o.put("maxConsecutiveFailures", h.maxConsecutiveFailures());
    o.put("delaySeconds", h.delaySeconds());
    if (h.protocol().isHttp()) {
      o.put("ignoreHttp1xx", h.ignoreHttp1xx());
    }
  }

  private static void fetch(ObjectNode o, FetchUri f) {
    o.put("uri", f.uri());
    o.put("extract", f.extract());
    o.put("executable", f.executable());
    o.put("cache", f.cache());
    if (f.outputFile() != null) {
      o.put("destPath", f.outputFile());
    }
  }

  private static void portDefinition(ObjectNode o, PortDefinition p) {
    o.put("port", p.port());
    o.put("protocol", p.protocol());
    if (p.name() != null) {
      o.put("name", p.name());
    }
    if (!p.labels().isEmpty()) {
      map(o.putObject("labels"), p.labels());
    }
  }

  /** A whole number as an integer (Marathon's {@code "mem": 128}), any other as a decimal. */
  static void number(ObjectNode o, String name, double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      o.put(name, (long) v);
    } else {
      o.put(name, v);
    }
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }

  private static void map(ObjectNode o, Map<String, String> m) {
    m.forEach(o::put);
  }

  private static Instant orElse(Instant t, Instant dflt) {
    return t == null ? dflt : t;
  }
}
