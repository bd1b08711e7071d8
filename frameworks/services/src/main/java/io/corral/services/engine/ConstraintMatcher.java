package io.corral.services.engine;

import io.corral.services.app.Constraint;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Marathon's placement constraints, judged for one candidate agent against where the app's tasks
 * already are ({@code placed}: its live tasks, of every version, and those placed earlier in the same
 * round of offers). The field is {@code hostname} or an agent attribute; an agent without the
 * attribute passes only {@code UNLIKE}. Pure.
 *
 * <ul>
 *   <li>{@code UNIQUE}: no placed task has the candidate's value.
 *   <li>{@code CLUSTER}: the value equals the constraint's (when given), and every placed task has it.
 *   <li>{@code GROUP_BY [n]}: a value no placed task has yet always passes; a value already used
 *       passes only when at least {@code n} values are in use and its group is one of the smallest,
 *       so tasks spread evenly (over {@code n} values, when given, even before all are seen).
 *   <li>{@code LIKE} / {@code UNLIKE regex}: the whole value matches (does not match) the regex.
 *   <li>{@code MAX_PER n}: fewer than {@code n} placed tasks have the candidate's value.
 *   <li>{@code IS value}: the value equals the constraint's.
 * </ul>
 */
final class ConstraintMatcher {
  private ConstraintMatcher() {}

  static boolean meetsAll(List<Constraint> constraints, Placement candidate, Collection<Placement> placed) {
    for (Constraint c : constraints) {
      if (!meets(c, candidate, placed)) {
        return false;
      }
    }
    return true;
  }

  static boolean meets(Constraint c, Placement candidate, Collection<Placement> placed) {
    String value = candidate.value(c.field());
    if (value == null) {
      return c.operator() == Constraint.Operator.UNLIKE;
    }
    return switch (c.operator()) {
      case UNIQUE -> placed.stream().noneMatch(p -> value.equals(p.value(c.field())));
      case CLUSTER -> (blank(c.value()) || value.equals(c.value()))
          && placed.stream().allMatch(p -> value.equals(p.value(c.field())));
      case GROUP_BY -> groupBy(c, value, placed);
      case LIKE -> !blank(c.value()) && fullMatch(c.value(), value);
      case UNLIKE -> !blank(c.value()) && !fullMatch(c.value(), value);
      case MAX_PER -> {
        int max = number(c.value(), -1);
        yield max >= 0 && placed.stream().filter(p -> value.equals(p.value(c.field()))).count() < max;
      }
      case IS -> value.equals(c.value());
    };
  }

  private static boolean groupBy(Constraint c, String value, Collection<Placement> placed) {
    int minimumGroups = Math.max(0, number(c.value(), 0));
    Map<String, Integer> groups = new HashMap<>();
    for (Placement p : placed) {
      groups.merge(String.valueOf(p.value(c.field())), 1, Integer::sum);
    }
    Integer mine = groups.get(value);
    if (mine == null) {
      return true;
    }
    int smallest = groups.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    return groups.size() >= minimumGroups && mine == smallest;
  }

  private static boolean fullMatch(String regex, String value) {
    try {
      return Pattern.compile(regex).matcher(value).matches();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  private static int number(String text, int otherwise) {
    if (text == null) {
      return otherwise;
    }
    if (text.equals("inf")) {
      return Integer.MAX_VALUE;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isEmpty();
  }
}
