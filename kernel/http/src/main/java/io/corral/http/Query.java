package io.corral.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A request's query parameters, checked: each parameter at most once, only those the endpoint
 * knows (a typo is a 400, not silently ignored), values parsed with a clear error.
 */
public final class Query {
  private final Map<String, String> params;

  private Query(Map<String, String> params) {
    this.params = params;
  }

  public static Query parse(String raw, Set<String> allowed) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name;
        String value;
        try {
          name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
          value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest("malformed query parameter '" + pair + "': " + e.getMessage());
        }
        if (!allowed.contains(name)) {
          throw ApiException.badRequest("unknown query parameter '" + name + "'"
              + (allowed.isEmpty() ? " (this endpoint takes none)" : "; known: " + String.join(", ", allowed)));
        }
        if (out.put(name, value) != null) {
          throw ApiException.badRequest("query parameter '" + name + "' given twice");
        }
      }
    }
    return new Query(out);
  }

  public String get(String name) {
    String v = params.get(name);
    return v == null || v.isEmpty() ? null : v;
  }

  public int intValue(String name, int dflt, int min, int max) {
    return (int) longValue(name, dflt, min, max);
  }

  public long longValue(String name, long dflt, long min, long max) {
    String v = get(name);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v);
      if (n < min || n > max) {
        throw ApiException.badRequest(name + " must be between " + min + " and " + max + ", not " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a whole number, not '" + v + "'");
    }
  }

  public boolean boolValue(String name, boolean dflt) {
    String v = get(name);
    if (v == null) {
      return dflt;
    }
    return switch (v) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw ApiException.badRequest(name + " must be true or false, not '" + v + "'");
    };
  }

  /**
   * A duration such as {@code 30s}, {@code 5min}, {@code 1h}, {@code 250ms} or {@code 0}, at most
   * {@code max} (a longer one is a 400 that names the maximum); null if not given.
   */
  public Duration duration(String name, Duration max) {
    String v = get(name);
    if (v == null) {
      return null;
    }
    Duration d;
    try {
      d = io.corral.common.Durations.parse(v);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(name + ": " + e.getMessage());
    }
    if (d.compareTo(max) > 0) {
      throw ApiException.badRequest(name + " must be at most " + written(max) + ", not " + v);
    }
    return d;
  }

  /** A duration as {@link io.corral.common.Durations} reads it: "365d", "1h", "90s". */
  private static String written(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "min";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
