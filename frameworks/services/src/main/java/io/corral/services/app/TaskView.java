package io.corral.services.app;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One of an app's tasks as the API shows it (Marathon's task JSON).
 *
 * @param id the task id ({@code eng_web.<uuid>})
 * @param appId the app it belongs to
 * @param agentId the agent it runs on (Marathon's {@code slaveId}), null until placed
 * @param host the agent's host name, null until placed
 * @param ports the host ports it was given, in the order of the app's port definitions
 * @param state the kernel's state name ({@code TASK_STAGING}, {@code TASK_RUNNING}, ...)
 * @param stagedAt when it was launched
 * @param startedAt when it started running, null before
 * @param version the app version it runs
 * @param healthy the last health result; null without health checks or before the first result
 * @param lastHealthMessage why the last check failed, null without one
 */
public record TaskView(String id, AppId appId, String agentId, String host, List<Integer> ports, String state,
    Instant stagedAt, Instant startedAt, Instant version, Boolean healthy, String lastHealthMessage) {
  public TaskView {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(appId, "appId");
    ports = ports == null ? List.of() : List.copyOf(ports);
  }
}
