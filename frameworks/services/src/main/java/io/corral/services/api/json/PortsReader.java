package io.corral.services.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.services.app.PortDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the ports an app needs from {@code portDefinitions} or the older {@code ports}; with neither,
 * one port of any number (Marathon's default). Both may be given only when they say the same.
 */
final class PortsReader {
  private static final int MAX_PORT = 65535;
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "udp,tcp");

  private PortsReader() {}

  static List<PortDefinition> read(Fields app) {
    List<PortDefinition> definitions = definitions(app);
    List<Integer> ports = ports(app);
    if (definitions == null && ports == null) {
      return List.of(PortDefinition.any());
    }
    if (definitions != null && ports != null
        && !definitions.stream().map(PortDefinition::port).toList().equals(ports)) {
      app.problems().invalid(app.path(), "cannot specify both ports and port definitions");
    }
    List<PortDefinition> out = definitions != null ? definitions
        : ports.stream().map(PortDefinition::of).toList();
    checkUnique(app, definitions != null ? "portDefinitions" : "ports", out);
    return out;
  }

  private static List<PortDefinition> definitions(Fields app) {
    List<JsonNode> items = app.array("portDefinitions");
    if (items == null) {
      return null;
    }
    List<PortDefinition> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Fields f = Fields.of(items.get(i), app.pathOf("portDefinitions") + "(" + i + ")", app.problems());
      if (f == null) {
        continue;
      }
      Integer port = f.integer("port", 0, MAX_PORT);
      String protocol = f.string("protocol");
      String name = f.string("name", NAME);
      Map<String, String> labels = f.stringMap("labels");
      f.ignoreUnread();
      if (protocol != null && !PROTOCOLS.contains(protocol)) {
        f.problems().malformed(f.pathOf("protocol"), "error.unknown.enum.literal");
      }
      out.add(new PortDefinition(port == null ? 0 : port, protocol, name, labels));
    }
    return out;
  }

  private static List<Integer> ports(Fields app) {
    List<JsonNode> items = app.array("ports");
    if (items == null) {
      return null;
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String at = app.pathOf("ports") + "(" + i + ")";
      Integer port = Fields.integerValue(items.get(i), at, app.problems());
      if (port != null && (port < 0 || port > MAX_PORT)) {
        app.problems().malformed(at, port < 0 ? "error.min" : "error.max");
      } else if (port != null) {
        out.add(port);
      }
    }
    return out;
  }

  private static void checkUnique(Fields app, String field, List<PortDefinition> ports) {
    Set<Integer> numbers = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (PortDefinition p : ports) {
      if (p.port() != 0 && !numbers.add(p.port())) {
        app.problems().invalid(app.pathOf(field), "Ports must be unique.");
      }
      if (p.name() != null && !names.add(p.name())) {
        app.problems().invalid(app.pathOf(field), "Port names must be unique.");
      }
    }
  }
}
