package io.corral.services.api.json;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.HealthCheck;
import java.util.List;

/**
 * The rules a well-formed definition must keep, with Marathon's messages where Marathon had the
 * rule: a command ({@code cmd} or {@code args}, one of them), health checks on ports the app has,
 * and one health check at most (the agent runs one next to each task).
 */
final class AppValidator {
  static final String CMD_OR_ARGS = "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.";
  static final String PORT_INDEX =
      "Health check port indices must address an element of the ports array or container port mappings.";
  static final String ONE_HEALTH_CHECK =
      "at most one health check per app: Corral's agent runs it next to each task; keep the one that matters";

  private AppValidator() {}

  static void validate(AppDefinition app, Problems problems) {
    boolean cmd = app.cmd() != null;
    boolean args = !app.args().isEmpty();
    if (cmd == args) {
      problems.invalid("/", CMD_OR_ARGS);
    }
    List<HealthCheck> checks = app.healthChecks();
    if (checks.size() > 1) {
      problems.invalid("/healthChecks", ONE_HEALTH_CHECK);
    }
    for (int i = 0; i < checks.size(); i++) {
      HealthCheck c = checks.get(i);
      if (c.port() == null && c.portIndex() != null && c.portIndex() >= app.portDefinitions().size()) {
        problems.invalid("/healthChecks(" + i + ")", PORT_INDEX);
      }
    }
  }
}
