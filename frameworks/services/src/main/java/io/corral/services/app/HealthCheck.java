package io.corral.services.app;

import java.util.Objects;

/**
 * How a task's health is judged (Marathon's {@code healthChecks} entry). The {@code MESOS_}
 * protocols and {@code COMMAND} run next to the task on the agent; the others Marathon ran itself.
 * Corral runs every kind in the agent.
 *
 * @param protocol the kind of check
 * @param path the HTTP(S) path, {@code /} by default
 * @param portIndex which of the task's ports to check; null when {@code port} is given or for COMMAND
 * @param port a fixed port number to check instead of a port index; null without one
 * @param command the shell command for COMMAND checks, null otherwise
 * @param gracePeriodSeconds failures during this time after the task starts do not count
 * @param intervalSeconds time between checks
 * @param timeoutSeconds a check taking longer fails
 * @param maxConsecutiveFailures the task is killed after this many failures in a row (0 = never)
 * @param delaySeconds time before the first check (Mesos-run checks)
 * @param ignoreHttp1xx treat 1xx answers as neither healthy nor unhealthy
 */
public record HealthCheck(Protocol protocol, String path, Integer portIndex, Integer port, String command,
    int gracePeriodSeconds, int intervalSeconds, int timeoutSeconds, int maxConsecutiveFailures,
    int delaySeconds, boolean ignoreHttp1xx) {
  public static final int DEFAULT_GRACE_PERIOD_SECONDS = 300;
  public static final int DEFAULT_INTERVAL_SECONDS = 60;
  public static final int DEFAULT_TIMEOUT_SECONDS = 20;
  public static final int DEFAULT_MAX_CONSECUTIVE_FAILURES = 3;
  public static final int DEFAULT_DELAY_SECONDS = 15;

  public HealthCheck {
    Objects.requireNonNull(protocol, "protocol");
  }

  /** A check of {@code protocol} with Marathon's defaults (port index 0, path {@code /} for HTTP kinds). */
  public static HealthCheck defaults(Protocol protocol) {
    boolean http = protocol.isHttp();
    return new HealthCheck(protocol, http ? "/" : null, protocol.isCommand() ? null : 0, null, null,
        DEFAULT_GRACE_PERIOD_SECONDS, DEFAULT_INTERVAL_SECONDS, DEFAULT_TIMEOUT_SECONDS,
        DEFAULT_MAX_CONSECUTIVE_FAILURES, DEFAULT_DELAY_SECONDS, false);
  }

  /** Marathon's health check protocols. */
  public enum Protocol {
    HTTP, HTTPS, TCP, COMMAND, MESOS_HTTP, MESOS_HTTPS, MESOS_TCP;

    public boolean isHttp() {
      return this == HTTP || this == HTTPS || this == MESOS_HTTP || this == MESOS_HTTPS;
    }

    public boolean isTcp() {
      return this == TCP || this == MESOS_TCP;
    }

    public boolean isCommand() {
      return this == COMMAND;
    }

    /** Whether the check speaks TLS. */
    public boolean isTls() {
      return this == HTTPS || this == MESOS_HTTPS;
    }
  }
}
