package io.corral.storm;

import java.util.Collection;
import java.util.Map;

/**
 * Storm settings written as a {@code storm.yaml}: one {@code key: value} line per setting, each
 * value in JSON's flow syntax (a subset of YAML that Storm's SnakeYAML reads back to the same
 * strings, numbers, booleans, lists and maps), so lines can be appended without parsing.
 */
final class StormYaml {
  private StormYaml() {}

  /** The settings as YAML lines, in the map's order. */
  static String render(Map<String, ?> settings) {
    StringBuilder sb = new StringBuilder();
    settings.forEach((k, v) -> sb.append(line(k, v)));
    return sb.toString();
  }

  /** One {@code key: value} line, ending with a newline. */
  static String line(String key, Object value) {
    if (key.isEmpty() || !key.chars().allMatch(c -> c > ' ' && c < 127 && c != ':' && c != '#')) {
      throw new IllegalArgumentException("not a Storm setting name: '" + key + "'");
    }
    return key + ": " + json(value) + "\n";
  }

  static String json(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short) {
      return v.toString();
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("not a finite number: " + v);
      }
      return v.toString();
    }
    if (v instanceof Collection<?> c) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : c) {
        sb.append(sb.length() > 1 ? ", " : "").append(json(o));
      }
      return sb.append(']').toString();
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(sb.length() > 1 ? ", " : "").append(string(String.valueOf(e.getKey()))).append(": ")
            .append(json(e.getValue()));
      }
      return sb.append('}').toString();
    }
    return string(v.toString());
  }

  private static String string(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
