package io.corral.services.api.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.TaskFailureView;
import io.corral.services.app.TaskView;
import java.util.regex.Pattern;

/**
 * A task as Marathon 1.x answered it: {@code id}, {@code slaveId} (Marathon's name for the agent; it
 * had no {@code agentId} on tasks), {@code host}, {@code state}, {@code stagedAt}, {@code startedAt},
 * {@code version}, {@code ports}, {@code servicePorts}, {@code ipAddresses}, {@code appId} and, for
 * an app with health checks, {@code healthCheckResults}.
 */
public final class TaskWriter {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private TaskWriter() {}

  /** @param app the task's app (for its service ports and health checks), null if unknown */
  public static ObjectNode task(TaskView t, AppDefinition app) {
    ObjectNode o = MarathonJson.object();
    o.put("id", t.id());
    o.put("appId", t.appId().toString());
    if (t.host() != null) {
      o.put("host", t.host());
    }
    if (t.agentId() != null) {
      o.put("slaveId", t.agentId());
    }
    o.put("state", t.state());
    if (t.stagedAt() != null) {
      o.put("stagedAt", Timestamps.format(t.stagedAt()));
    }
    if (t.startedAt() != null) {
      o.put("startedAt", Timestamps.format(t.startedAt()));
    }
    if (t.version() != null) {
      o.put("version", Timestamps.format(t.version()));
    }
    ArrayNode ports = o.putArray("ports");
    t.ports().forEach(ports::add);
    ArrayNode servicePorts = o.putArray("servicePorts");
    if (app != null) {
      app.ports().forEach(servicePorts::add);
    }
    if (t.host() != null && IPV4.matcher(t.host()).matches()) {
      o.putArray("ipAddresses").addObject().put("ipAddress", t.host()).put("protocol", "IPv4");
    }
    if (app != null && !app.healthChecks().isEmpty() && t.healthy() != null) {
      health(o.putArray("healthCheckResults").addObject(), t);
    }
    return o;
  }

  /**
   * Marathon's health result. The kernel reports health changes, not each check, so the
   * timestamps Marathon kept per check are unknown (null, as Marathon wrote them before a first
   * result) and {@code consecutiveFailures} is 0 when alive and at least 1 when not.
   */
  private static void health(ObjectNode o, TaskView t) {
    o.put("alive", t.healthy());
    o.put("consecutiveFailures", t.healthy() ? 0 : 1);
    o.putNull("firstSuccess");
    o.putNull("lastFailure");
    o.putNull("lastSuccess");
    if (t.lastHealthMessage() != null) {
      o.put("lastFailureCause", t.lastHealthMessage());
    } else {
      o.putNull("lastFailureCause");
    }
    o.put("instanceId", t.id());
  }

  public static ObjectNode failure(TaskFailureView f) {
    ObjectNode o = MarathonJson.object();
    o.put("appId", f.appId().toString());
    if (f.host() != null) {
      o.put("host", f.host());
    }
    o.put("message", f.message() == null ? "" : f.message());
    o.put("state", f.state());
    o.put("taskId", f.taskId());
    if (f.timestamp() != null) {
      o.put("timestamp", Timestamps.format(f.timestamp()));
    }
    if (f.version() != null) {
      o.put("version", Timestamps.format(f.version()));
    }
    return o;
  }
}
