package io.corral.frameworks.common.http;

import java.util.Map;

/** The parameters a request's path gave its route's pattern, decoded ({@code {id*}}: segments joined by {@code /}). */
public record PathParams(Map<String, String> values) {
  public static final PathParams NONE = new PathParams(Map.of());

  public PathParams {
    values = Map.copyOf(values);
  }

  /** The parameter {@code name}, which the route's pattern declares. */
  public String get(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("the route's pattern has no parameter " + name);
    }
    return v;
  }
}
