package io.corral.master.validation;

/** Rules for ids chosen by frameworks (task and executor ids). */
public final class Ids {
  public static final int MAX_LENGTH = 255;

  private Ids() {}

  /** Returns why {@code id} is not acceptable, or null when it is. */
  public static String problem(String kind, String id) {
    if (id == null || id.isEmpty()) {
      return kind + " id is empty";
    }
    if (id.length() > MAX_LENGTH) {
      return kind + " id is longer than " + MAX_LENGTH + " characters";
    }
    if (id.equals(".") || id.equals("..")) {
      return kind + " id '" + id + "' is not allowed";
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '/' || c == '\\' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        return kind + " id '" + printable(id) + "' contains '/', '\\', whitespace or a control character";
      }
    }
    return null;
  }

  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(Character.isISOControl(c) ? '?' : c);
    }
    return sb.length() > 80 ? sb.substring(0, 80) + "..." : sb.toString();
  }
}
