package io.corral.common.roles;

import java.util.ArrayList;
import java.util.List;

/**
 * Role names as Mesos 1.11 has them: {@code *} (the default role) or components separated by
 * {@code /} ({@code eng/etl} is a sub-role of {@code eng}). A name may not be empty, start or end
 * with {@code /}, contain {@code //}, whitespace or control characters; a component may not be
 * {@code .} or {@code ..}, start with {@code -}, or be {@code *}.
 */
public final class RoleNames {
  /** The role of frameworks that name none. */
  public static final String DEFAULT = "*";
  /** Longest role name (it shows in paths, metrics labels and the UI). */
  public static final int MAX_LENGTH = 256;

  private RoleNames() {}

  /** Why {@code role} is not a valid role name, or null if it is. */
  public static String problem(String role) {
    if (role == null || role.isEmpty()) {
      return "a role name may not be empty";
    }
    if (role.equals(DEFAULT)) {
      return null;
    }
    String quoted = "role '" + printable(role) + "'";
    if (role.length() > MAX_LENGTH) {
      return quoted + " is longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < role.length(); i++) {
      char c = role.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
        return quoted + " contains whitespace or a control character";
      }
    }
    if (role.startsWith("/") || role.endsWith("/")) {
      return quoted + " may not start or end with '/'";
    }
    if (role.contains("//")) {
      return quoted + " contains '//'";
    }
    for (String part : role.split("/")) {
      if (part.equals(".") || part.equals("..")) {
        return quoted + " has a component '" + part + "'";
      }
      if (part.startsWith("-")) {
        return quoted + " has a component starting with '-'";
      }
      if (part.equals(DEFAULT)) {
        return quoted + ": '*' is only valid as the whole name";
      }
    }
    return null;
  }

  /** {@code role} itself if valid. @throws IllegalArgumentException with the reason otherwise */
  public static String check(String role) {
    String problem = problem(role);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return role;
  }

  /** The ancestors of a valid role, nearest first: {@code a/b/c} gives {@code a/b}, {@code a}. */
  public static List<String> ancestors(String role) {
    List<String> out = new ArrayList<>();
    for (int i = role.lastIndexOf('/'); i > 0; i = role.lastIndexOf('/', i - 1)) {
      out.add(role.substring(0, i));
    }
    return out;
  }

  /** Whether {@code role} is {@code ancestor} or below it. */
  public static boolean isWithin(String role, String ancestor) {
    return role.equals(ancestor) || role.startsWith(ancestor + "/");
  }

  private static String printable(String role) {
    StringBuilder b = new StringBuilder();
    role.codePoints().limit(80).forEach(cp -> {
      if (Character.isISOControl(cp)) {
        b.append(String.format("\\u%04x", cp));
      } else {
        b.appendCodePoint(cp);
      }
    });
    return role.codePointCount(0, role.length()) > 80 ? b + "…" : b.toString();
  }
}
