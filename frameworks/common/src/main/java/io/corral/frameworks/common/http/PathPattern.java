package io.corral.frameworks.common.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A route's path: literal segments, {@code {name}} (one segment) and {@code {name*}} (one segment or
 * more, joined by {@code /}: an id that is itself a path). {@code /v2/apps/{id*}/tasks/{taskId}}
 * matches {@code /v2/apps/eng/web/tasks/t1} with {@code id=eng/web} and {@code taskId=t1}; where a
 * greedy parameter could end at several places, it takes as many segments as leave a match.
 */
record PathPattern(String text, List<Part> parts) {
  /** A segment of a pattern. */
  sealed interface Part permits Literal, Param {}

  record Literal(String text) implements Part {}

  /** {@code greedy}: one segment or more. */
  record Param(String name, boolean greedy) implements Part {}

  static PathPattern parse(String pattern) {
    if (!pattern.startsWith("/")) {
      throw new IllegalArgumentException("a path pattern starts with '/': " + pattern);
    }
    List<Part> parts = new ArrayList<>();
    for (String s : pattern.substring(1).split("/", -1)) {
      if (s.isEmpty()) {
        if (pattern.equals("/")) {
          break;
        }
        throw new IllegalArgumentException("empty segment in path pattern " + pattern);
      }
      if (s.startsWith("{") && s.endsWith("}")) {
        String name = s.substring(1, s.length() - 1);
        boolean greedy = name.endsWith("*");
        name = greedy ? name.substring(0, name.length() - 1) : name;
        if (name.isEmpty()) {
          throw new IllegalArgumentException("unnamed parameter in path pattern " + pattern);
        }
        parts.add(new Param(name, greedy));
      } else {
        parts.add(new Literal(s));
      }
    }
    return new PathPattern(pattern, List.copyOf(parts));
  }

  /** The parameters of {@code segments} (decoded path segments) if they match. */
  Optional<Map<String, String>> match(List<String> segments) {
    Map<String, String> params = new LinkedHashMap<>();
    return match(0, segments, 0, params) ? Optional.of(params) : Optional.empty();
  }

  private boolean match(int part, List<String> segments, int at, Map<String, String> params) {
    if (part == parts.size()) {
      return at == segments.size();
    }
    if (at >= segments.size()) {
      return false;
    }
    Part p = parts.get(part);
    if (p instanceof Literal l) {
      return l.text().equals(segments.get(at)) && match(part + 1, segments, at + 1, params);
    }
    Param param = (Param) p;
    int longest = param.greedy() ? segments.size() - at : 1;
    for (int n = longest; n >= 1; n--) {
      if (match(part + 1, segments, at + n, params)) {
        params.put(param.name(), String.join("/", segments.subList(at, at + n)));
        return true;
      }
    }
    return false;
  }

  /** How specific: more literal segments first, then fewer greedy parameters. */
  int specificity() {
    int literals = 0;
    int greedy = 0;
    for (Part p : parts) {
      if (p instanceof Literal) {
        literals++;
      } else if (((Param) p).greedy()) {
        greedy++;
      }
    }
    return literals * 100 - greedy;
  }
}
