package io.corral.services.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code corral app list}'s table: one row per app, columns padded to the widest cell. */
final class AppTable {
  static final String[] HEADERS = {"ID", "RUNNING", "HEALTHY", "CPUS", "MEM", "DEPLOYMENTS"};
  private final List<String[]> rows = new ArrayList<>();

  static AppTable of(JsonNode apps) {
    AppTable t = new AppTable();
    t.rows.add(HEADERS);
    for (JsonNode a : apps) {
      boolean checked = a.path("healthChecks").isArray() && !a.get("healthChecks").isEmpty();
      t.rows.add(new String[] {
          clean(a.path("id").asText()),
          a.path("tasksRunning").asInt() + "/" + a.path("instances").asInt(),
          checked ? String.valueOf(a.path("tasksHealthy").asInt()) : "-",
          number(a.path("cpus").asDouble()),
          number(a.path("mem").asDouble()),
          String.valueOf(a.path("deployments").size())});
    }
    return t;
  }

  private static String number(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  /** Control characters in user-given ids must not move the cursor. */
  private static String clean(String s) {
    return s.replaceAll("\\p{Cntrl}", "?");
  }

  void print(PrintStream out) {
    int[] width = new int[HEADERS.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        sb.append(r[i]);
        if (i < r.length - 1) {
          sb.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.println(sb.toString().stripTrailing());
    }
  }
}
