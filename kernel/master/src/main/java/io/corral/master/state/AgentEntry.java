package io.corral.master.state;

import io.corral.common.resources.PooledResources;
import io.corral.common.resources.Resources;
import io.corral.common.net.StreamConnection;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentInfo;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A registered agent. Loop-owned. */
public final class AgentEntry {

  /** Where the agent stands with the master. */
  public enum Status {
    /** Connected and answering pings: offered. */
    ACTIVE,
    /** Its stream closed; pings are counting down. Not offered. */
    DISCONNECTED,
    /** Missed too many pings; its tasks were reported unreachable. */
    UNREACHABLE
  }

  /** Where an operator put the agent: in service, or drained for maintenance. */
  public enum Maintenance {
    /** Offered as usual. */
    NONE,
    /** No new offers; its tasks have a grace period to finish, then are killed. */
    DRAINING,
    /** No new offers and no tasks left: ready for maintenance. */
    DRAINED
  }

  private final String id;
  private AgentInfo info;
  private Maintenance maintenance = Maintenance.NONE;
  private Instant drainDeadline;
  private io.corral.common.loop.EventLoop.Cancellable drainTimer;
  /** The agent's resources by pool: as configured, with its dynamic reservations taken out of the unreserved pool. */
  private PooledResources resources;
  private StreamConnection<AgentEvent> connection;
  private Status status = Status.ACTIVE;
  private final Instant registeredAt;
  private Instant statusSince;
  private int missedPings;
  private boolean pongSinceLastPing = true;
  private long pingSeq;
  private io.corral.protocol.FetcherCounters fetcherCounters = io.corral.protocol.FetcherCounters.getDefaultInstance();
  private final Map<TaskKey, TaskEntry> tasks = new LinkedHashMap<>();
  private final Map<ExecutorKey, ExecutorEntry> executors = new HashMap<>();
  private final Set<String> offerIds = new HashSet<>();

  public AgentEntry(String id, AgentInfo info, StreamConnection<AgentEvent> connection, Instant now) {
    this.id = id;
    this.info = info;
    this.resources = pools(info);
    this.connection = connection;
    this.registeredAt = now;
    this.statusSince = now;
  }

  public String id() {
    return id;
  }

  public AgentInfo info() {
    return info;
  }

  public String hostname() {
    return info.getHostname();
  }

  /** Every pool summed: the agent's total amounts. */
  public Resources total() {
    return resources.all();
  }

  /** The agent's resources by pool (unreserved, reserved per role). */
  public PooledResources resources() {
    return resources;
  }

  /** The reservations made while the agent runs (operators, frameworks), by role. */
  public PooledResources dynamicReservations() {
    return PooledResources.fromProto(info.getDynamicReservationsList());
  }

  /** Replaces the agent's dynamic reservations; {@code resources()} follows. */
  public void dynamicReservations(PooledResources reservations) {
    AgentInfo changed = info.toBuilder().clearDynamicReservations().addAllDynamicReservations(reservations.toProto()).build();
    this.resources = pools(changed);
    this.info = changed;
  }

  /**
   * An agent's resources by pool: its configured ones with its dynamic reservations moved out of
   * the unreserved pool.
   *
   * @throws io.corral.common.resources.InvalidResourcesException if they do not fit in it
   */
  public static PooledResources pools(AgentInfo info) {
    return PooledResources.fromProto(info.getResourcesList())
        .reserve(PooledResources.fromProto(info.getDynamicReservationsList()));
  }

  public void reregistered(AgentInfo newInfo, StreamConnection<AgentEvent> conn, Instant now) {
    this.info = newInfo;
    this.resources = pools(newInfo);
    this.connection = conn;
    setStatus(Status.ACTIVE, now);
    this.missedPings = 0;
    this.pongSinceLastPing = true;
  }

  public StreamConnection<AgentEvent> connection() {
    return connection;
  }

  public boolean isConnected() {
    return connection != null && connection.isOpen() && status == Status.ACTIVE;
  }

  public void send(AgentEvent event) {
    if (connection != null && status != Status.UNREACHABLE) {
      connection.send(event);
    }
  }

  public Status status() {
    return status;
  }

  public Instant statusSince() {
    return statusSince;
  }

  public Instant registeredAt() {
    return registeredAt;
  }

  public void setStatus(Status s, Instant now) {
    if (s != status) {
      status = s;
      statusSince = now;
    }
  }

  public void disconnected(Instant now) {
    connection = null;
    setStatus(Status.DISCONNECTED, now);
  }

  public int missedPings() {
    return missedPings;
  }

  /** Called at each ping tick; returns the number of pings missed in a row. */
  public int tickPing() {
    if (pongSinceLastPing) {
      missedPings = 0;
    } else {
      missedPings++;
    }
    pongSinceLastPing = false;
    return missedPings;
  }

  public long nextPingSeq() {
    return ++pingSeq;
  }

  public void ponged(long seq) {
    if (seq == pingSeq) {
      pongSinceLastPing = true;
    }
  }

  /** The agent's fetcher counts as of its latest pong (zero until one arrives). */
  public io.corral.protocol.FetcherCounters fetcherCounters() {
    return fetcherCounters;
  }

  public void fetcherCounters(io.corral.protocol.FetcherCounters counters) {
    fetcherCounters = counters;
  }

  public Maintenance maintenance() {
    return maintenance;
  }

  /** Whether an operator took the agent out of service (draining or drained). */
  public boolean isDrained() {
    return maintenance != Maintenance.NONE;
  }

  /** When a draining agent's tasks are killed; null when not draining. */
  public Instant drainDeadline() {
    return drainDeadline;
  }

  public void startDrain(Instant deadline, io.corral.common.loop.EventLoop.Cancellable timer) {
    cancelDrainTimer();
    maintenance = Maintenance.DRAINING;
    drainDeadline = deadline;
    drainTimer = timer;
  }

  public void drained() {
    cancelDrainTimer();
    maintenance = Maintenance.DRAINED;
  }

  public void undrain() {
    cancelDrainTimer();
    maintenance = Maintenance.NONE;
    drainDeadline = null;
  }

  private void cancelDrainTimer() {
    if (drainTimer != null) {
      drainTimer.cancel();
      drainTimer = null;
    }
  }

  public Map<TaskKey, TaskEntry> tasks() {
    return tasks;
  }

  public Map<ExecutorKey, ExecutorEntry> executors() {
    return executors;
  }

  public Set<String> offerIds() {
    return offerIds;
  }
}
