package io.corral.services.engine;

import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.services.app.AppId;
import io.corral.services.app.TaskView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One task of an app, from its launch until it ends: what the engine knows of it and stores, so that
 * a new leader knows every task it may have launched (it is stored before its launch is sent).
 *
 * @param taskId the kernel task id, {@code <app id prefix>.<uuid>} (Marathon's older form)
 * @param appId the app it belongs to
 * @param version the app version it was launched with
 * @param configVersion the app's last configuration change it was launched with: the task is of the
 *     app's current configuration when this equals the app's (a scale does not change it)
 * @param agentId the agent it runs on
 * @param host that agent's host name
 * @param attributes that agent's attributes (for constraints)
 * @param ports its host ports, in the order of the app's port definitions
 * @param state its last known kernel state (never terminal: an ended task is forgotten)
 * @param healthChecked whether it was launched with a health check
 * @param healthy its last health result; null before the first, or without a check
 * @param healthMessage what the last health update said
 * @param stagedAt when it was launched
 * @param startedAt when it first ran, null before
 * @param killRequestedAt when the engine asked the kernel to kill it, null if it did not
 * @param wasUnreachable whether its agent was unreachable at some point (it was replaced then)
 */
public record Instance(String taskId, AppId appId, Instant version, Instant configVersion, String agentId,
    String host, Map<String, String> attributes, List<Integer> ports, TaskState state, boolean healthChecked,
    Boolean healthy, String healthMessage, Instant stagedAt, Instant startedAt, Instant killRequestedAt,
    boolean wasUnreachable) {
  public Instance {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(state, "state");
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    ports = ports == null ? List.of() : List.copyOf(ports);
  }

  /** Whether the engine asked for it to be killed. */
  public boolean killRequested() {
    return killRequestedAt != null;
  }

  /** Whether its agent is unreachable now. */
  public boolean unreachable() {
    return state == TaskState.TASK_UNREACHABLE;
  }

  /**
   * Whether it counts towards the app's instances: not being killed, and reachable (an unreachable
   * task is replaced at once, as Marathon's default unreachable strategy does).
   */
  public boolean active() {
    return !killRequested() && !unreachable();
  }

  /** Whether it serves: running, and healthy if it has a health check. */
  public boolean ready() {
    return state == TaskState.TASK_RUNNING && (!healthChecked || Boolean.TRUE.equals(healthy));
  }

  public boolean staged() {
    return state == TaskState.TASK_STAGING || state == TaskState.TASK_STARTING;
  }

  Placement placement() {
    return new Placement(host, attributes);
  }

  /** This task after a non-terminal update {@code status} reached it at {@code now}. */
  Instance updated(TaskStatus status, Instant now) {
    TaskState next = status.getState();
    Instant started = startedAt == null && next == TaskState.TASK_RUNNING ? now : startedAt;
    Boolean health = status.hasHealthy() ? Boolean.valueOf(status.getHealthy()) : healthy;
    String message = status.hasHealthy() ? status.getMessage() : healthMessage;
    return new Instance(taskId, appId, version, configVersion, agentId, host, attributes, ports, next,
        healthChecked, health, message, stagedAt, started, killRequestedAt,
        wasUnreachable || next == TaskState.TASK_UNREACHABLE);
  }

  Instance killRequested(Instant now) {
    return new Instance(taskId, appId, version, configVersion, agentId, host, attributes, ports, state,
        healthChecked, healthy, healthMessage, stagedAt, startedAt, now, wasUnreachable);
  }

  /** As the API shows it; the health of a task on an unreachable agent is unknown (not its last result). */
  TaskView view() {
    Boolean health = unreachable() ? null : healthy;
    return new TaskView(taskId, appId, agentId, host, ports, state.name(), stagedAt, startedAt, version, health,
        Boolean.FALSE.equals(health) ? healthMessage : null);
  }
}
