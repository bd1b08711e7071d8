package io.corral.services.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.services.app.HealthCheck;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code healthChecks} entries by Marathon's field names and defaults: protocol HTTP, path
 * {@code /} for the HTTP kinds, port index 0 when neither {@code port} nor {@code portIndex} is given
 * (not for COMMAND), grace period 300 s, interval 60 s, timeout 20 s, 3 failures, delay 15 s.
 */
final class HealthCheckReader {
  private static final int MAX_PORT = 65535;

  private HealthCheckReader() {}

  static List<HealthCheck> read(Fields app) {
    List<JsonNode> items = app.array("healthChecks");
    if (items == null) {
      return List.of();
    }
    List<HealthCheck> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Fields f = Fields.of(items.get(i), app.pathOf("healthChecks") + "(" + i + ")", app.problems());
      HealthCheck check = f == null ? null : one(f);
      if (check != null) {
        out.add(check);
      }
    }
    return out;
  }

  private static HealthCheck one(Fields f) {
    HealthCheck.Protocol protocol = f.has("protocol") ? f.enumValue("protocol", HealthCheck.Protocol.class)
        : HealthCheck.Protocol.HTTP;
    String path = f.string("path");
    Integer portIndex = f.integer("portIndex", 0, MAX_PORT);
    Integer port = f.integer("port", 0, MAX_PORT);
    String command = command(f);
    int grace = orElse(f.integer("gracePeriodSeconds", 0, null), HealthCheck.DEFAULT_GRACE_PERIOD_SECONDS);
    int interval = orElse(f.integer("intervalSeconds", 0, null), HealthCheck.DEFAULT_INTERVAL_SECONDS);
    int timeout = orElse(f.integer("timeoutSeconds", 0, null), HealthCheck.DEFAULT_TIMEOUT_SECONDS);
    int failures = orElse(f.integer("maxConsecutiveFailures", 0, null), HealthCheck.DEFAULT_MAX_CONSECUTIVE_FAILURES);
    int delay = orElse(f.integer("delaySeconds", 0, null), HealthCheck.DEFAULT_DELAY_SECONDS);
    Boolean ignore1xx = f.bool("ignoreHttp1xx");
    String ipProtocol = f.string("ipProtocol");
    f.ignoreUnread();
    if (protocol == null) {
      return null;
    }
    if (ipProtocol != null && !ipProtocol.equals("IPv4")) {
      f.problems().invalid(f.pathOf("ipProtocol"), "only IPv4 health checks are supported");
    }
    if (protocol.isCommand() && command == null) {
      f.problems().invalid(f.pathOf("command"), "a COMMAND health check needs a command: {\"value\": \"...\"}");
    }
    if (!protocol.isCommand() && port == null && portIndex == null) {
      portIndex = 0;
    }
    if (protocol.isHttp() && path == null) {
      path = "/";
    }
    return new HealthCheck(protocol, protocol.isHttp() ? path : null, protocol.isCommand() ? null : portIndex,
        protocol.isCommand() ? null : port, protocol.isCommand() ? command : null, grace, interval, timeout,
        failures, delay, ignore1xx != null && ignore1xx);
  }

  /** {@code "command": {"value": "..."}}, Marathon's shape; null if absent or malformed. */
  private static String command(Fields f) {
    JsonNode v = f.raw("command");
    if (v == null) {
      return null;
    }
    Fields c = Fields.of(v, f.pathOf("command"), f.problems());
    if (c == null) {
      return null;
    }
    String value = c.string("value");
    c.ignoreUnread();
    if (value == null && !c.has("value")) {
      f.problems().malformed(c.pathOf("value"), "error.path.missing");
    }
    return value;
  }

  private static int orElse(Integer v, int dflt) {
    return v == null ? dflt : v;
  }
}
