package io.corral.services.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the fields of one JSON object by name and type, as Marathon's generated readers did: a
 * missing field or {@code null} is absent; a value of the wrong type or out of range is recorded
 * under Marathon's error key ({@code error.expected.jsnumber}, {@code error.min}, ...) at its path
 * and read as absent. Fields never asked for are the ones a caller did not know.
 */
final class Fields {
  private final ObjectNode node;
  private final String path;
  private final Problems problems;
  private final Set<String> read = new HashSet<>();

  Fields(ObjectNode node, String path, Problems problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  /** The fields of {@code value}, or null (and {@code error.expected.jsobject}) if it is not an object. */
  static Fields of(JsonNode value, String path, Problems problems) {
    if (value instanceof ObjectNode object) {
      return new Fields(object, path, problems);
    }
    problems.malformed(path, "error.expected.jsobject");
    return null;
  }

  String path() {
    return path;
  }

  String pathOf(String name) {
    return path + "/" + name;
  }

  Problems problems() {
    return problems;
  }

  /** Whether the field is there and not null. */
  boolean has(String name) {
    JsonNode v = node.get(name);
    return v != null && !v.isNull();
  }

  /** The raw value (marked read); null if absent or null. */
  JsonNode raw(String name) {
    read.add(name);
    JsonNode v = node.get(name);
    return v == null || v.isNull() ? null : v;
  }

  String string(String name) {
    JsonNode v = raw(name);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      problems.malformed(pathOf(name), "error.expected.jsstring");
      return null;
    }
    return v.textValue();
  }

  /** A string matching {@code pattern} (else {@code error.pattern}); null if absent. */
  String string(String name, Pattern pattern) {
    String s = string(name);
    if (s != null && !pattern.matcher(s).matches()) {
      problems.malformed(pathOf(name), "error.pattern");
      return null;
    }
    return s;
  }

  /** One of {@code values}, any case (else {@code error.unknown.enum.literal}); null if absent. */
  <E extends Enum<E>> E enumValue(String name, Class<E> type) {
    String s = string(name);
    if (s == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.malformed(pathOf(name), "error.unknown.enum.literal");
      return null;
    }
  }

  Boolean bool(String name) {
    JsonNode v = raw(name);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      problems.malformed(pathOf(name), "error.expected.jsboolean");
      return null;
    }
    return v.booleanValue();
  }

  /** A number within [min, max] (either null: unbounded); null if absent or wrong. */
  Double number(String name, Double min, Double max) {
    JsonNode v = raw(name);
    if (v == null) {
      return null;
    }
    if (!v.isNumber()) {
      problems.malformed(pathOf(name), "error.expected.jsnumber");
      return null;
    }
    return inRange(name, v.doubleValue(), min, max) ? v.doubleValue() : null;
  }

  /** A whole number within [min, max] (either null: unbounded); null if absent or wrong. */
  Integer integer(String name, Integer min, Integer max) {
    JsonNode v = raw(name);
    if (v == null) {
      return null;
    }
    Integer n = integerValue(v, pathOf(name), problems);
    if (n == null) {
      return null;
    }
    return inRange(name, n, min == null ? null : min.doubleValue(), max == null ? null : max.doubleValue()) ? n : null;
  }

  /** The elements of an array field; null if absent, or not an array ({@code error.expected.jsarray}). */
  List<JsonNode> array(String name) {
    JsonNode v = raw(name);
    if (v == null) {
      return null;
    }
    if (!v.isArray()) {
      problems.malformed(pathOf(name), "error.expected.jsarray");
      return null;
    }
    List<JsonNode> out = new ArrayList<>();
    v.forEach(out::add);
    return out;
  }

  /** An array of strings; null if absent or wrong. */
  List<String> strings(String name) {
    List<JsonNode> items = array(name);
    if (items == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (item.isTextual()) {
        out.add(item.textValue());
      } else {
        problems.malformed(pathOf(name) + "(" + i + ")", "error.expected.jsstring");
      }
    }
    return out;
  }

  /** An object of string values (labels); null if absent or wrong. */
  Map<String, String> stringMap(String name) {
    JsonNode v = raw(name);
    if (v == null) {
      return null;
    }
    if (!v.isObject()) {
      problems.malformed(pathOf(name), "error.expected.jsobject");
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isTextual()) {
        out.put(e.getKey(), e.getValue().textValue());
      } else {
        problems.malformed(pathOf(name) + "/" + e.getKey(), "error.expected.jsstring");
      }
    }
    return out;
  }

  /** Fields Marathon answers but never reads (a definition read back and sent again carries them). */
  void skip(String... names) {
    read.addAll(List.of(names));
  }

  /**
   * Marks fields as ignored: reported in the warning when they say something (not null, empty or false),
   * e.g. Marathon fields that have no effect here.
   */
  void ignore(String... names) {
    for (String name : names) {
      read.add(name);
      JsonNode v = node.get(name);
      boolean says = v != null && !v.isNull() && !(v.isContainerNode() && v.isEmpty())
          && !(v.isTextual() && v.textValue().isEmpty()) && !(v.isBoolean() && !v.booleanValue());
      if (says) {
        problems.ignored(pathOf(name));
      }
    }
  }

  /** Reports every field not read so far as ignored. */
  void ignoreUnread() {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!read.contains(name)) {
        problems.ignored(pathOf(name));
      }
    }
  }

  /** A whole int, else Marathon's error at {@code at}; null then. */
  static Integer integerValue(JsonNode v, String at, Problems problems) {
    if (!v.isNumber()) {
      problems.malformed(at, "error.expected.jsnumber");
      return null;
    }
    BigDecimal d = v.decimalValue();
    try {
      return d.intValueExact();
    } catch (ArithmeticException e) {
      problems.malformed(at, "error.expected.int");
      return null;
    }
  }

  private boolean inRange(String name, double n, Double min, Double max) {
    if (min != null && n < min) {
      problems.malformed(pathOf(name), "error.min");
      return false;
    }
    if (max != null && n > max) {
      problems.malformed(pathOf(name), "error.max");
      return false;
    }
    return true;
  }
}
