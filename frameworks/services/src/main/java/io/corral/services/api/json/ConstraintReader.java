package io.corral.services.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.services.app.Constraint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads {@code constraints}: Marathon's arrays ({@code ["hostname", "UNIQUE"]}, {@code ["rack",
 * "GROUP_BY", "3"]}) or the object form of its pods ({@code {"fieldName": ..., "operator": ...,
 * "value": ...}}), judged by Marathon's rules with its messages. An empty value counts as none (older
 * Marathon answered {@code ["hostname", "UNIQUE", ""]}).
 */
final class ConstraintReader {
  static final String OPERATOR_INVALID =
      "operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS";
  /** Mesos text or scalar values, the only ones IS compares with. */
  private static final Pattern TEXT_OR_SCALAR = Pattern.compile("[a-zA-Z0-9_/.-]*");

  private ConstraintReader() {}

  static List<Constraint> read(Fields app) {
    List<JsonNode> items = app.array("constraints");
    if (items == null) {
      return List.of();
    }
    List<Constraint> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String at = app.pathOf("constraints") + "(" + i + ")";
      Constraint c = one(items.get(i), at, app.problems());
      if (c != null && !out.contains(c)) {
        out.add(c);
      }
    }
    return out;
  }

  private static Constraint one(JsonNode item, String at, Problems problems) {
    String field;
    String operator;
    String value;
    if (item.isArray()) {
      List<String> parts = new ArrayList<>();
      for (int j = 0; j < item.size(); j++) {
        JsonNode part = item.get(j);
        if (!part.isTextual()) {
          problems.malformed(at + "(" + j + ")", "error.expected.jsstring");
          return null;
        }
        parts.add(part.textValue());
      }
      if (parts.size() < 2 || parts.size() > 3) {
        problems.invalid(at, "Each constraint must have either 2 or 3 fields");
        return null;
      }
      field = parts.get(0);
      operator = parts.get(1);
      value = parts.size() == 3 ? parts.get(2) : null;
    } else if (item.isObject()) {
      Fields f = new Fields((com.fasterxml.jackson.databind.node.ObjectNode) item, at, problems);
      field = f.string("fieldName");
      operator = f.string("operator");
      value = f.string("value");
      f.ignoreUnread();
      if (field == null || operator == null) {
        problems.malformed(at + (field == null ? "/fieldName" : "/operator"), "error.path.missing");
        return null;
      }
    } else {
      problems.malformed(at, "error.expected.jsarray");
      return null;
    }
    return judged(field, operator, value == null || value.isEmpty() ? null : value, at, problems);
  }

  private static Constraint judged(String field, String operatorName, String value, String at, Problems problems) {
    if (field.isEmpty()) {
      problems.invalid(at, "missing field for constraint declaration");
      return null;
    }
    Constraint.Operator operator;
    try {
      operator = Constraint.Operator.valueOf(operatorName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.invalid(at, OPERATOR_INVALID);
      return null;
    }
    String problem = switch (operator) {
      case UNIQUE -> value == null ? null : "UNIQUE does not accept a value";
      case CLUSTER -> null;
      case GROUP_BY -> value == null || isInt(value) ? null
          : "GROUP BY must define an integer value or else no value at all";
      case MAX_PER -> value != null && isInt(value) ? null : "MAX_PER requires an integer value";
      case LIKE, UNLIKE -> value == null ? "LIKE and UNLIKE require a non-empty, regular expression value"
          : isRegex(value) ? null : "is not a valid regular expression";
      case IS -> value != null && TEXT_OR_SCALAR.matcher(value).matches() ? null
          : "IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)";
    };
    if (problem != null) {
      problems.invalid(at, problem);
      return null;
    }
    return new Constraint(field, operator, value);
  }

  private static boolean isInt(String s) {
    try {
      Integer.parseInt(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean isRegex(String s) {
    try {
      Pattern.compile(s);
      return true;
    } catch (PatternSyntaxException e) {
      return false;
    }
  }
}
