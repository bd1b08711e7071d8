package io.corral.services.api.json;

import java.util.Collection;

/**
 * What an app's answer carries besides its definition, from Marathon's {@code embed} parameters
 * ({@code apps.tasks}, {@code app.tasks}, {@code apps.counts}, {@code apps.deployments},
 * {@code apps.lastTaskFailure}, {@code apps.failures}; {@code app.} and {@code apps.} alike).
 */
public record AppEmbed(boolean counts, boolean deployments, boolean tasks, boolean lastTaskFailure) {
  /** {@code GET /v2/apps/{id}}: everything, as Marathon embedded it whatever was asked. */
  public static final AppEmbed ALL = new AppEmbed(true, true, true, true);

  /**
   * {@code GET /v2/apps} with these {@code embed} values: counts and deployments always (Marathon
   * embedded them by default), tasks and the last failure when asked for.
   */
  public static AppEmbed forList(Collection<String> embed) {
    boolean tasks = false;
    boolean failure = false;
    for (String e : embed) {
      String what = e.startsWith("group.") ? e.substring(6) : e;
      what = what.startsWith("apps.") ? what.substring(5) : what.startsWith("app.") ? what.substring(4) : what;
      switch (what) {
        case "tasks" -> tasks = true;
        case "lastTaskFailure" -> failure = true;
        case "failures" -> {
          tasks = true;
          failure = true;
        }
        default -> { } // counts, deployments: always; readiness, taskStats: nothing to show
      }
    }
    return new AppEmbed(true, true, tasks, failure);
  }
}
