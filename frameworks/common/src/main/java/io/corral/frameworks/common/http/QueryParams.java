package io.corral.frameworks.common.http;

import io.corral.http.ApiException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A request's query as the peers' APIs read it: a parameter may come several times
 * ({@code ?event_type=a&event_type=b}, {@code ?embed=apps.tasks&embed=apps.counts}) or list values
 * with commas, names the API does not know are ignored (as the peers ignored them), and flags are
 * {@code true} or {@code false} in any case ({@code ?force=TRUE}; {@code ?force} alone is true);
 * anything else is a 400 that names the parameter.
 */
public final class QueryParams {
  public static final QueryParams NONE = new QueryParams(Map.of());

  private final Map<String, List<String>> params;

  private QueryParams(Map<String, List<String>> params) {
    this.params = params;
  }

  /** {@code rawQuery} (without {@code ?}, still percent-encoded; null for none). */
  public static QueryParams parse(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return NONE;
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("malformed query parameter '" + pair + "': " + e.getMessage());
      }
    }
    out.replaceAll((name, values) -> List.copyOf(values));
    return new QueryParams(Map.copyOf(out));
  }

  public Set<String> names() {
    return params.keySet();
  }

  /** Every value of {@code name}, in order; empty when absent. */
  public List<String> all(String name) {
    return params.getOrDefault(name, List.of());
  }

  /** Every value of {@code name} with comma-separated lists split, trimmed, blanks dropped; empty when absent. */
  public List<String> list(String name) {
    List<String> out = new ArrayList<>();
    for (String v : all(name)) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return List.copyOf(out);
  }

  /** The first value of {@code name}. */
  public Optional<String> first(String name) {
    List<String> v = all(name);
    return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /** The first value of {@code name} unless it is empty ({@code ?host=} filters nothing). */
  public Optional<String> text(String name) {
    return first(name).filter(v -> !v.isEmpty());
  }

  /** A flag: {@code true} or {@code false} in any case, or no value (true); {@code dflt} when absent; else a 400. */
  public boolean flag(String name, boolean dflt) {
    Optional<String> v = first(name);
    if (v.isEmpty()) {
      return dflt;
    }
    return switch (v.get().toLowerCase(Locale.ROOT)) {
      case "true", "" -> true;
      case "false" -> false;
      default -> throw ApiException.badRequest("query parameter " + name + " must be true or false, not '" + v.get()
          + "'");
    };
  }

  /** A whole number from {@code min} to {@code max}; {@code dflt} when absent; else a 400. */
  public long number(String name, long dflt, long min, long max) {
    Optional<String> v = first(name);
    if (v.isEmpty()) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.get().trim());
      if (n < min || n > max) {
        throw ApiException.badRequest("query parameter " + name + " must be from " + min + " to " + max + ", not " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("query parameter " + name + " must be a whole number, not '" + v.get() + "'");
    }
  }
}
