package io.corral.services.api;

import io.corral.frameworks.common.http.QueryParams;
import io.corral.http.ApiException;
import io.corral.services.app.AppDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The filters of {@code GET /v2/apps}: {@code cmd} (the command contains it), {@code id} (the id
 * contains it), {@code label} (comma-separated selectors: {@code key}, {@code key==value},
 * {@code key!=value}; all must hold).
 */
record AppFilter(String cmd, String id, List<Predicate<AppDefinition>> labels) implements Predicate<AppDefinition> {
  static AppFilter of(QueryParams q) {
    List<Predicate<AppDefinition>> labels = new ArrayList<>();
    for (String selector : q.list("label")) {
      labels.add(selector(selector));
    }
    return new AppFilter(q.text("cmd").orElse(null), q.text("id").orElse(null), labels);
  }

  @Override
  public boolean test(AppDefinition app) {
    return (cmd == null || (app.cmd() != null && app.cmd().contains(cmd)))
        && (id == null || app.id().toString().contains(id))
        && labels.stream().allMatch(p -> p.test(app));
  }

  private static Predicate<AppDefinition> selector(String s) {
    int ne = s.indexOf("!=");
    int eq = s.indexOf("==");
    if (ne > 0) {
      String key = s.substring(0, ne).trim();
      String value = s.substring(ne + 2).trim();
      return app -> app.labels().containsKey(key) && !app.labels().get(key).equals(value);
    }
    if (eq > 0) {
      String key = s.substring(0, eq).trim();
      String value = s.substring(eq + 2).trim();
      return app -> value.equals(app.labels().get(key));
    }
    if (s.contains(" in ") || s.contains(" notin ") || s.contains("=")) {
      throw new ApiException(400, "label selector '" + s + "' is not supported; use key, key==value or key!=value");
    }
    String key = s.trim();
    return app -> app.labels().containsKey(key);
  }
}
