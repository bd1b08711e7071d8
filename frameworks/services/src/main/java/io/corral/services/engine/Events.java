package io.corral.services.engine;

import io.corral.protocol.TaskStatus;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.ServicesEvent;
import io.corral.services.engine.Deployment.AppChange;
import io.corral.services.engine.Deployment.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Marathon's events ({@code GET /v2/events}) with its JSON field names. Values are JSON-ready (strings,
 * numbers, booleans, lists, maps), except the app definitions in a plan's {@code original} and
 * {@code target} groups, which the API writes as it writes apps.
 */
final class Events {
  private Events() {}

  static ServicesEvent statusUpdate(Instance i, TaskStatus status, Instant now) {
    Map<String, Object> f = base(now);
    f.put("slaveId", i.agentId());
    f.put("taskId", i.taskId());
    f.put("taskStatus", status.getState().name());
    f.put("message", status.getMessage());
    f.put("appId", i.appId().toString());
    f.put("host", i.host());
    f.put("ports", i.ports());
    f.put("version", Times.format(i.version()));
    return new ServicesEvent("status_update_event", f);
  }

  static ServicesEvent healthChanged(Instance i, Instant now) {
    Map<String, Object> f = base(now);
    f.put("appId", i.appId().toString());
    f.put("taskId", i.taskId());
    f.put("instanceId", i.taskId());
    f.put("version", Times.format(i.version()));
    f.put("alive", Boolean.TRUE.equals(i.healthy()));
    return new ServicesEvent("health_status_changed_event", f);
  }

  static ServicesEvent unhealthyKill(Instance i, String reason, Instant now) {
    Map<String, Object> f = base(now);
    f.put("appId", i.appId().toString());
    f.put("taskId", i.taskId());
    f.put("version", Times.format(i.version()));
    f.put("reason", reason);
    f.put("host", i.host());
    f.put("slaveId", i.agentId());
    return new ServicesEvent("unhealthy_task_kill_event", f);
  }

  static ServicesEvent appTerminated(AppId app, Instant now) {
    Map<String, Object> f = base(now);
    f.put("appId", app.toString());
    return new ServicesEvent("app_terminated_event", f);
  }

  /** A step of {@code d} began ({@code deployment_info}). */
  static ServicesEvent deploymentInfo(Deployment d, Instant now) {
    return stepEvent("deployment_info", d, d.steps().get(d.currentStep()), now);
  }

  static ServicesEvent stepSuccess(Deployment d, Step step, Instant now) {
    return stepEvent("deployment_step_success", d, step, now);
  }

  static ServicesEvent deploymentSuccess(Deployment d, Instant now) {
    return ended("deployment_success", d, now);
  }

  /** {@code d} was cancelled (forced over, or deleted). */
  static ServicesEvent deploymentFailed(Deployment d, Instant now) {
    return ended("deployment_failed", d, now);
  }

  private static ServicesEvent stepEvent(String type, Deployment d, Step step, Instant now) {
    Map<String, Object> f = base(now);
    f.put("plan", plan(d));
    f.put("currentStep", step(step));
    return new ServicesEvent(type, f);
  }

  private static ServicesEvent ended(String type, Deployment d, Instant now) {
    Map<String, Object> f = base(now);
    f.put("id", d.id());
    f.put("plan", plan(d));
    return new ServicesEvent(type, f);
  }

  static Map<String, Object> plan(Deployment d) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", d.id());
    p.put("original", group(d.changes().stream().map(AppChange::original).filter(Objects::nonNull).toList(),
        d.version()));
    p.put("target", group(d.changes().stream().map(AppChange::target).filter(Objects::nonNull).toList(),
        d.version()));
    p.put("steps", d.steps().stream().map(Events::step).toList());
    p.put("version", Times.format(d.version()));
    return p;
  }

  private static Map<String, Object> group(List<AppDefinition> apps, Instant version) {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("id", "/");
    g.put("apps", apps);
    g.put("groups", List.of());
    g.put("dependencies", List.of());
    g.put("version", Times.format(version));
    return g;
  }

  private static Map<String, Object> step(Step s) {
    List<Map<String, Object>> actions = new ArrayList<>();
    for (Deployment.Action a : s.actions()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("action", a.kind().marathonName());
      m.put("app", a.app().toString());
      actions.add(m);
    }
    return Map.of("actions", actions);
  }

  private static Map<String, Object> base(Instant now) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("timestamp", Times.format(now));
    return f;
  }
}
