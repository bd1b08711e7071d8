package io.corral.services.engine;

import io.corral.protocol.CommandInfo;
import io.corral.services.app.HealthCheck;
import io.corral.services.app.HealthCheck.Protocol;
import java.util.List;
import java.util.Optional;

/**
 * An app's health check as the kernel runs it ({@code TaskInfo.health_check}, checked by the task's
 * executor next to it). Every Marathon protocol maps onto the kernel's three kinds: {@code HTTP},
 * {@code MESOS_HTTP} to HTTP and {@code HTTPS}, {@code MESOS_HTTPS} to HTTP with scheme https;
 * {@code TCP}, {@code MESOS_TCP} to TCP; {@code COMMAND} to COMMAND (run with the task's environment,
 * so {@code $PORT0} works). A port index becomes the task's host port at that index.
 *
 * <p>Timing: grace period, interval and timeout carry over. {@code delaySeconds} applies to the kinds
 * Mesos ran (the {@code MESOS_} ones and {@code COMMAND}); the kinds Marathon ran itself start checking
 * at once, their failures forgiven during the grace period, as Marathon's were. Marathon's
 * {@code maxConsecutiveFailures: 0} (never kill) becomes the largest count the kernel takes.
 *
 * <p>The kernel runs one check per task: of several, the first is used. {@code ignoreHttp1xx} has no
 * kernel counterpart: a 1xx answer fails the check.
 */
final class KernelHealthCheck {
  private KernelHealthCheck() {}

  /**
   * The kernel's check for a task of an app with {@code checks} that got {@code ports}; empty when the
   * app has none, or its first check names a port index the task does not have.
   */
  static Optional<io.corral.protocol.HealthCheck> of(List<HealthCheck> checks, List<Integer> ports) {
    if (checks.isEmpty()) {
      return Optional.empty();
    }
    HealthCheck c = checks.get(0);
    io.corral.protocol.HealthCheck.Builder b = io.corral.protocol.HealthCheck.newBuilder()
        .setIntervalSeconds(c.intervalSeconds())
        .setTimeoutSeconds(c.timeoutSeconds())
        .setGracePeriodSeconds(c.gracePeriodSeconds())
        .setConsecutiveFailures(c.maxConsecutiveFailures() > 0 ? c.maxConsecutiveFailures() : Integer.MAX_VALUE)
        .setDelaySeconds(ranByMesos(c.protocol()) ? c.delaySeconds() : 0);
    if (c.protocol().isCommand()) {
      return Optional.of(b.setType(io.corral.protocol.HealthCheck.Type.COMMAND)
          .setCommand(CommandInfo.newBuilder().setValue(c.command() == null ? "" : c.command()))
          .build());
    }
    Integer port = port(c, ports);
    if (port == null) {
      return Optional.empty();
    }
    if (c.protocol().isTcp()) {
      return Optional.of(b.setType(io.corral.protocol.HealthCheck.Type.TCP)
          .setTcp(io.corral.protocol.HealthCheck.TcpCheck.newBuilder().setPort(port))
          .build());
    }
    return Optional.of(b.setType(io.corral.protocol.HealthCheck.Type.HTTP)
        .setHttp(io.corral.protocol.HealthCheck.HttpCheck.newBuilder()
            .setScheme(c.protocol().isTls() ? "https" : "http")
            .setPort(port)
            .setPath(c.path() == null || c.path().isEmpty() ? "/" : c.path()))
        .build());
  }

  private static Integer port(HealthCheck c, List<Integer> ports) {
    if (c.port() != null && c.port() > 0) {
      return c.port();
    }
    int index = c.portIndex() == null ? 0 : c.portIndex();
    return index >= 0 && index < ports.size() ? ports.get(index) : null;
  }

  private static boolean ranByMesos(Protocol p) {
    return p == Protocol.MESOS_HTTP || p == Protocol.MESOS_HTTPS || p == Protocol.MESOS_TCP
        || p == Protocol.COMMAND;
  }
}
