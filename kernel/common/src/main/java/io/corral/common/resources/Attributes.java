package io.corral.common.resources;

import io.corral.protocol.Attribute;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Parses and prints agent attributes: {@code "rack:r1;zone:a;generation:3"}. */
public final class Attributes {
  private Attributes() {}

  /** Numbers become scalar attributes, everything else text. Names must be unique. */
  public static List<Attribute> parse(String spec) {
    List<Attribute> out = new ArrayList<>();
    if (spec == null || spec.isBlank()) {
      return out;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String item : spec.split(";")) {
      String it = item.trim();
      if (it.isEmpty()) {
        continue;
      }
      int colon = it.indexOf(':');
      if (colon <= 0 || colon == it.length() - 1) {
        throw new IllegalArgumentException("expected name:value in attribute '" + it + "'");
      }
      String name = it.substring(0, colon).trim();
      String value = it.substring(colon + 1).trim();
      Resources.checkName(name);
      if (!seen.add(name)) {
        throw new IllegalArgumentException("attribute '" + name + "' given twice");
      }
      Attribute.Builder a = Attribute.newBuilder().setName(name);
      try {
        double d = Double.parseDouble(value);
        if (Double.isFinite(d) && !value.startsWith("0x") && !value.endsWith("f")
            && !value.endsWith("d")) {
          a.setScalar(d);
        } else {
          a.setText(value);
        }
      } catch (NumberFormatException e) {
        a.setText(value);
      }
      out.add(a.build());
    }
    return out;
  }

  public static String format(List<Attribute> attributes) {
    StringBuilder sb = new StringBuilder();
    for (Attribute a : attributes) {
      if (sb.length() > 0) {
        sb.append(';');
      }
      sb.append(a.getName()).append(':');
      if (a.hasScalar()) {
        double d = a.getScalar();
        sb.append(d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d));
      } else {
        sb.append(a.getText());
      }
    }
    return sb.toString();
  }
}
