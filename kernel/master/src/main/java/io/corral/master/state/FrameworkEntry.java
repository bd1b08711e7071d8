package io.corral.master.state;

import io.corral.common.loop.EventLoop.Cancellable;
import io.corral.common.net.StreamConnection;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.Task;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A subscribed framework (connected or within its failover timeout). Loop-owned. */
public final class FrameworkEntry {
  private final String id;
  private FrameworkInfo info;
  private StreamConnection<SchedulerEvent> connection;
  private final Instant registeredAt;
  private Instant disconnectedAt;
  private Cancellable failoverTimer;
  /** The roles offers are suppressed for. */
  private final Set<String> suppressedRoles = new HashSet<>();
  private final Map<String, TaskEntry> tasks = new LinkedHashMap<>();
  private final LinkedHashMap<String, Task> completed;
  private final Set<String> offerIds = new HashSet<>();

  public FrameworkEntry(
      String id, FrameworkInfo info, StreamConnection<SchedulerEvent> connection, Instant now,
      int maxCompleted) {
    this.id = id;
    this.info = info;
    this.connection = connection;
    this.registeredAt = now;
    this.disconnectedAt = connection == null ? now : null;
    this.completed =
        new LinkedHashMap<>() {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Task> eldest) {
            return size() > maxCompleted;
          }
        };
  }

  public String id() {
    return id;
  }

  public FrameworkInfo info() {
    return info;
  }

  public void setInfo(FrameworkInfo info) {
    this.info = info;
  }

  /** The framework's (first) role; see {@link #roles()} for a framework of several. */
  public String role() {
    return roleOf(info);
  }

  /** The framework's roles: {@code roles} (Mesos' MULTI_ROLE) when it names some, else its one role. */
  public List<String> roles() {
    return rolesOf(info);
  }

  /** A framework's (first) role: {@code "*"} when it names none. */
  public static String roleOf(FrameworkInfo info) {
    return rolesOf(info).get(0);
  }

  /** A framework's roles: {@code roles} when it names some, else {@code role} ({@code "*"} when empty). */
  public static List<String> rolesOf(FrameworkInfo info) {
    if (info.getRolesCount() > 0) {
      return List.copyOf(info.getRolesList());
    }
    return List.of(info.getRole().isEmpty() ? "*" : info.getRole());
  }

  public String name() {
    return info.getName();
  }

  public StreamConnection<SchedulerEvent> connection() {
    return connection;
  }

  public boolean isConnected() {
    return connection != null && connection.isOpen();
  }

  public void connected(StreamConnection<SchedulerEvent> conn) {
    this.connection = conn;
    this.disconnectedAt = null;
    if (failoverTimer != null) {
      failoverTimer.cancel();
      failoverTimer = null;
    }
  }

  public void disconnected(Instant now, Cancellable timer) {
    this.connection = null;
    this.disconnectedAt = now;
    this.failoverTimer = timer;
  }

  public void cancelFailoverTimer() {
    if (failoverTimer != null) {
      failoverTimer.cancel();
      failoverTimer = null;
    }
  }

  public Instant registeredAt() {
    return registeredAt;
  }

  public Instant disconnectedAt() {
    return disconnectedAt;
  }

  public void send(SchedulerEvent event) {
    if (connection != null) {
      connection.send(event);
    }
  }

  /** Whether offers are suppressed for all its roles. */
  public boolean suppressed() {
    return suppressedRoles.containsAll(roles());
  }

  /** The roles offers are suppressed for, among its roles. */
  public Set<String> suppressedRoles() {
    Set<String> out = new java.util.TreeSet<>(suppressedRoles);
    out.retainAll(roles());
    return out;
  }

  /** Suppresses ({@code true}) or revives the given roles. */
  public void setSuppressed(java.util.Collection<String> roles, boolean s) {
    if (s) {
      suppressedRoles.addAll(roles);
    } else {
      suppressedRoles.removeAll(roles);
    }
  }

  public Map<String, TaskEntry> tasks() {
    return tasks;
  }

  public Map<String, Task> completed() {
    return completed;
  }

  public Set<String> offerIds() {
    return offerIds;
  }
}
