package io.corral.services.api;

import io.corral.http.ApiException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request's query as Marathon's clients send it: a parameter may repeat ({@code embed=apps.tasks&embed=apps.counts})
 * or list values with commas, flags are {@code true}/{@code false} in any case, unknown parameters
 * are ignored (as Marathon did).
 */
final class QueryParams {
  private final Map<String, List<String>> values;

  private QueryParams(Map<String, List<String>> values) {
    this.values = values;
  }

  static QueryParams parse(String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        try {
          String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
          String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
          out.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        } catch (IllegalArgumentException e) {
          throw new ApiException(400, "malformed query parameter '" + pair + "'");
        }
      }
    }
    return new QueryParams(out);
  }

  /** Every value of {@code name}, comma-separated lists split; empty if absent. */
  List<String> all(String name) {
    List<String> out = new ArrayList<>();
    for (String v : values.getOrDefault(name, List.of())) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }

  /** The first value of {@code name}, null if absent or empty. */
  String first(String name) {
    List<String> v = values.get(name);
    return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
  }

  /** {@code true}/{@code false} in any case ({@code ?force} alone is true); {@code dflt} if absent. */
  boolean flag(String name, boolean dflt) {
    List<String> v = values.get(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    return switch (v.get(0).toLowerCase(Locale.ROOT)) {
      case "true", "" -> true;
      case "false" -> false;
      default -> throw new ApiException(400, "query parameter '" + name + "' must be true or false, not '"
          + v.get(0) + "'");
    };
  }
}
