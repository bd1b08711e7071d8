package io.corral.services.engine;

import io.corral.protocol.Attribute;
import io.corral.protocol.Offer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a task runs or could run, as constraints see it: the agent's host name and its attributes,
 * each as text (a scalar attribute formatted as the agent flag writes it: {@code 3}, {@code 1.5}).
 *
 * @param host the agent's host name
 * @param attributes the agent's attributes by name
 */
record Placement(String host, Map<String, String> attributes) {
  Placement {
    attributes = Map.copyOf(attributes);
  }

  static Placement of(Offer offer) {
    return new Placement(offer.getHostname(), attributes(offer.getAttributesList()));
  }

  /** The value of {@code field} here: the host name for {@code hostname}, else the attribute (null if absent). */
  String value(String field) {
    return isHostname(field) ? host : attributes.get(field);
  }

  static boolean isHostname(String field) {
    return field.equals("hostname") || field.equals("@hostname");
  }

  static Map<String, String> attributes(List<Attribute> attributes) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Attribute a : attributes) {
      out.put(a.getName(), a.hasScalar() ? format(a.getScalar()) : a.getText());
    }
    return out;
  }

  private static String format(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
