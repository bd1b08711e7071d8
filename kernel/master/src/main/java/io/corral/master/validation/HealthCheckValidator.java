package io.corral.master.validation;

import io.corral.protocol.HealthCheck;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Checks a task's {@code health_check}: the type names its body and no other body is set, ports
 * are real ports, durations are non-negative and bounded, a check has time to run and a task may
 * fail at least one. Pure; each problem is one sentence that says what to change.
 */
final class HealthCheckValidator {
  /** The longest duration a health check may name (a week): beyond it a number is a mistake. */
  static final double MAX_SECONDS = 7 * 24 * 3600;

  private HealthCheckValidator() {}

  /** Why the health check is invalid, or null when it is valid. */
  static String problem(HealthCheck check) {
    String problem = body(check);
    if (problem == null) {
      problem = durations(check);
    }
    return problem == null ? null : "invalid health check: " + problem;
  }

  private static String body(HealthCheck check) {
    return switch (check.getType()) {
      case HTTP -> check.hasTcp() || check.hasCommand() ? "an HTTP check sets only 'http' (not 'tcp' or 'command')"
          : !check.hasHttp() ? "an HTTP check needs 'http' with a port" : http(check.getHttp());
      case TCP -> check.hasHttp() || check.hasCommand() ? "a TCP check sets only 'tcp' (not 'http' or 'command')"
          : !check.hasTcp() ? "a TCP check needs 'tcp' with a port" : port(check.getTcp().getPort());
      case COMMAND -> check.hasHttp() || check.hasTcp()
          ? "a COMMAND check sets only 'command' (not 'http' or 'tcp')"
          : !check.hasCommand() ? "a COMMAND check needs 'command'"
          : LaunchValidator.checkCommand("its command", check.getCommand());
      case TYPE_UNSPECIFIED, UNRECOGNIZED -> "set 'type' to HTTP, TCP or COMMAND";
    };
  }

  private static String http(HealthCheck.HttpCheck http) {
    String problem = port(http.getPort());
    if (problem != null) {
      return problem;
    }
    String scheme = http.getScheme();
    if (!scheme.isEmpty() && !scheme.equals("http") && !scheme.equals("https")) {
      return "scheme must be 'http' or 'https', not '" + Ids.printable(scheme) + "'";
    }
    String path = http.getPath();
    if (!path.isEmpty()) {
      if (!path.startsWith("/")) {
        return "path must start with '/': '" + Ids.printable(path) + "'";
      }
      try {
        new URI("http://127.0.0.1:" + http.getPort() + path);
      } catch (URISyntaxException e) {
        return "path '" + Ids.printable(path) + "' is not a valid URI path (" + e.getReason() + ")";
      }
    }
    for (int status : http.getStatusesList()) {
      if (status < 100 || status > 599) {
        return "statuses must be HTTP statuses (100-599): " + Integer.toUnsignedString(status);
      }
    }
    return null;
  }

  private static String port(int port) {
    if (port == 0 || Integer.compareUnsigned(port, 65535) > 0) {
      return "port must be between 1 and 65535: " + Integer.toUnsignedString(port);
    }
    return null;
  }

  private static String durations(HealthCheck check) {
    String problem = null;
    if (check.hasDelaySeconds()) {
      problem = seconds("delay_seconds", check.getDelaySeconds());
    }
    if (problem == null && check.hasIntervalSeconds()) {
      problem = seconds("interval_seconds", check.getIntervalSeconds());
    }
    if (problem == null && check.hasGracePeriodSeconds()) {
      problem = seconds("grace_period_seconds", check.getGracePeriodSeconds());
    }
    if (problem == null && check.hasTimeoutSeconds()) {
      problem = seconds("timeout_seconds", check.getTimeoutSeconds());
      if (problem == null && check.getTimeoutSeconds() == 0) {
        problem = "timeout_seconds must be above 0 (a check needs time to run)";
      }
    }
    if (problem == null && check.hasConsecutiveFailures() && check.getConsecutiveFailures() == 0) {
      problem = "consecutive_failures must be at least 1";
    }
    return problem;
  }

  private static String seconds(String field, double value) {
    if (!(value >= 0) || value > MAX_SECONDS) {
      return field + " must be between 0 and " + (long) MAX_SECONDS + " s: " + value;
    }
    return null;
  }
}
