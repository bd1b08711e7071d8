package io.corral.services.app;

import java.util.Map;

/**
 * A port the app's tasks need (Marathon's {@code portDefinitions} entry; the older {@code ports}
 * list gives only the numbers).
 *
 * @param port 0 for any port the agent offers; otherwise the number, which the agent must offer when
 *     the app has {@code requirePorts}
 * @param protocol {@code tcp}, {@code udp} or {@code udp,tcp}
 * @param name a name for the port (unique within the app), null without one
 * @param labels free-form labels
 */
public record PortDefinition(int port, String protocol, String name, Map<String, String> labels) {
  public PortDefinition {
    protocol = protocol == null ? "tcp" : protocol;
    labels = Ordered.map(labels);
  }

  public static PortDefinition any() {
    return new PortDefinition(0, "tcp", null, Map.of());
  }

  public static PortDefinition of(int port) {
    return new PortDefinition(port, "tcp", null, Map.of());
  }
}
