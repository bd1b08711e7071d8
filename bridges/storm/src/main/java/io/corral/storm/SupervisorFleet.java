package io.corral.storm;

import io.corral.common.resources.RangeSet;
import io.corral.common.resources.Resources;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.scheduler.OfferMatcher;
import io.corral.scheduler.ResourceRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Supervisors the Nimbus runs as Corral executors, and how many more worker slots Storm
 * needs. Storm only schedules onto Supervisors that are registered, so slots cannot come from
 * offers directly (what broke Storm-on-Mesos for Storm 1.1+): Storm's scheduler reports workers
 * it could not place ({@link #observe}), and the fleet launches Supervisors with that many slots
 * from offers ({@link #place}), spread over agents; Storm schedules onto them once they register.
 * A Supervisor with no worker for the idle timeout is retired (its task killed, its resources
 * back to the pool), unless some topology still waits for slots.
 *
 * <p>Not thread-safe: owned by the framework's actor thread.
 */
final class SupervisorFleet {
  enum State { LAUNCHING, RUNNING, RETIRING }

  /** One Supervisor: a Corral task (its id is the Storm supervisor id) and its executor. */
  static final class Supervisor {
    final String id;
    final String agentId;
    final String host;
    /** Worker slots it was launched with (0 when recovered after a Nimbus restart: Storm knows them). */
    final int slots;
    /** Its Thrift and slot ports (empty when recovered after a Nimbus restart). */
    final RangeSet ports;
    State state;
    long idleSinceMillis = -1;

    Supervisor(String id, String agentId, String host, int slots, RangeSet ports, State state) {
      this.id = id;
      this.agentId = agentId;
      this.host = host;
      this.slots = slots;
      this.ports = ports;
      this.state = state;
    }
  }

  /**
   * A Supervisor to launch on an offer.
   *
   * @param thriftPort its {@code supervisor.thrift.port}
   * @param slotPorts its {@code supervisor.slots.ports}
   */
  record Launch(Offer offer, String supervisorId, int thriftPort, List<Integer> slotPorts, Resources resources) {}

  /**
   * What Storm's scheduler saw after a round.
   *
   * @param missingWorkers workers topologies asked for that have no usable slot
   * @param freeSlots slots Storm's scheduler left free (they count against what is missing: a
   *     topology Storm does not place on them needs no other Supervisor either)
   * @param size the largest worker among those topologies
   * @param usedSlots busy slots of each Supervisor registered with Storm (its keys: the registered ones)
   */
  record Observation(int missingWorkers, int freeSlots, WorkerSize size, Map<String, Integer> usedSlots) {
    boolean registered(String supervisorId) {
      return usedSlots.containsKey(supervisorId);
    }
  }

  /**
   * A Supervisor whose task ended: Storm may still list it, and its ports are avoided on its agent
   * while there are others. Storm's workers key their connection metrics by host:port, and a worker
   * told that a slot's host:port now belongs to another Supervisor halts on "A metric named ...
   * already exists" (Storm 2.8's WorkerState.refreshConnections). Storm's own Supervisors come back
   * with their old id, which never meets this; Corral's replacements are new Supervisors.
   */
  private record Ended(String agentId, RangeSet ports, long atMillis) {}

  /** Terminal task states this long ago are forgotten (Storm has dropped the Supervisor by then). */
  private static final long DEAD_MEMORY_MILLIS = 10 * 60_000;
  /** An agent where Supervisors failed to start this many times in a row is avoided ... */
  static final int MAX_START_FAILURES = 2;
  /** ... for this long. */
  static final long FAILED_AGENT_PAUSE_MILLIS = 5 * 60_000;

  private final Map<String, Supervisor> supervisors = new LinkedHashMap<>();
  /** Supervisors whose task ended lately, by id. */
  private final Map<String, Ended> ended = new HashMap<>();
  /** Supervisors that failed before running, by agent: (count, last failure millis). */
  private final Map<String, long[]> startFailures = new HashMap<>();
  private final double supervisorCpus;
  private final double supervisorMemMib;
  private final long idleTimeoutMillis;
  private int wanted;
  private WorkerSize size;
  private long seq;

  SupervisorFleet(double supervisorCpus, double supervisorMemMib, long idleTimeoutMillis) {
    this.supervisorCpus = supervisorCpus;
    this.supervisorMemMib = supervisorMemMib;
    this.idleTimeoutMillis = idleTimeoutMillis;
  }

  /** Slots still to launch. */
  int wanted() {
    return wanted;
  }

  Collection<Supervisor> supervisors() {
    return supervisors.values();
  }

  /**
   * Takes in a scheduling round: how many slots to launch (missing workers less free slots and
   * the slots of Supervisors launched but not registered yet), and which idle Supervisors to
   * retire: none while any topology misses workers.
   *
   * @return the ids of Supervisors to retire now (kill their tasks)
   */
  List<String> observe(Observation o, long nowMillis) {
    int pending = 0;
    for (Supervisor s : supervisors.values()) {
      if (s.state != State.RETIRING && !o.registered(s.id)) {
        pending += s.slots;
      }
    }
    wanted = Math.max(0, o.missingWorkers() - o.freeSlots() - pending);
    size = o.size();
    List<String> retire = new ArrayList<>();
    for (Supervisor s : supervisors.values()) {
      if (s.state != State.RUNNING || !o.registered(s.id)) {
        continue;
      }
      if (o.usedSlots().getOrDefault(s.id, 0) > 0) {
        s.idleSinceMillis = -1;
      } else if (s.idleSinceMillis < 0) {
        s.idleSinceMillis = nowMillis;
      } else if (o.missingWorkers() == 0 && nowMillis - s.idleSinceMillis >= idleTimeoutMillis) {
        s.state = State.RETIRING;
        retire.add(s.id);
      }
    }
    ended.values().removeIf(e -> nowMillis - e.atMillis() > DEAD_MEMORY_MILLIS);
    return retire;
  }

  /**
   * Supervisors to launch on these offers for the slots still wanted: one slot at a time over
   * the offers, agents with no Supervisor of this Nimbus first (so the workers of a topology
   * spread as Storm's even scheduler would spread them), never a second Supervisor on an agent
   * where one is still starting.
   */
  List<Launch> place(List<Offer> offers, long nowMillis) {
    if (wanted == 0 || size == null) {
      return List.of();
    }
    Set<String> starting = new HashSet<>();
    Map<String, Integer> ours = new HashMap<>();
    for (Supervisor s : supervisors.values()) {
      if (s.state == State.LAUNCHING) {
        starting.add(s.agentId);
      }
      if (s.state != State.RETIRING) {
        ours.merge(s.agentId, 1, Integer::sum);
      }
    }
    List<Offer> usable = new ArrayList<>();
    for (Offer o : offers) {
      if (!starting.contains(o.getAgentId()) && !failing(o.getAgentId(), nowMillis)) {
        usable.add(o);
      }
    }
    usable.sort(Comparator.comparingInt((Offer o) -> ours.getOrDefault(o.getAgentId(), 0)));
    Map<Offer, Integer> slots = new LinkedHashMap<>();
    boolean progress = true;
    while (wanted > 0 && progress) {
      progress = false;
      for (Offer o : usable) {
        int k = slots.getOrDefault(o, 0) + 1;
        if (wanted > 0 && fits(o, k)) {
          slots.put(o, k);
          wanted--;
          progress = true;
        }
      }
    }
    List<Launch> launches = new ArrayList<>();
    slots.forEach((offer, k) -> {
      Resources offered = Resources.fromProto(offer.getResourcesList());
      Resources r = OfferMatcher.fit(offered.minus(Resources.builder().ports(endedPorts(offer.getAgentId())).build()),
          request(k));
      if (r == null) {
        r = OfferMatcher.fit(offered, request(k)); // only ports that ended are left: better than no Supervisor
      }
      List<Integer> ports = ports(r.ports());
      String id = "supervisor-" + Long.toString(nowMillis, 36) + "-" + (++seq);
      supervisors.put(id, new Supervisor(id, offer.getAgentId(), offer.getHostname(), k, r.ports(), State.LAUNCHING));
      launches.add(new Launch(offer, id, ports.get(0), List.copyOf(ports.subList(1, ports.size())), r));
    });
    return launches;
  }

  /** The ports of Supervisors that ended on this agent lately. */
  private RangeSet endedPorts(String agentId) {
    RangeSet out = RangeSet.EMPTY;
    for (Ended e : ended.values()) {
      if (e.agentId().equals(agentId)) {
        out = out.plus(e.ports());
      }
    }
    return out;
  }

  /** Whether Supervisors failed to start on this agent too often lately. */
  boolean failing(String agentId, long nowMillis) {
    long[] f = startFailures.get(agentId);
    return f != null && f[0] >= MAX_START_FAILURES && nowMillis - f[1] < FAILED_AGENT_PAUSE_MILLIS;
  }

  private boolean fits(Offer o, int slots) {
    return OfferMatcher.fit(Resources.fromProto(o.getResourcesList()), request(slots)) != null;
  }

  /** A Supervisor with {@code slots} slots: its own JVM, the workers', a Thrift port and a port per slot. */
  private ResourceRequest request(int slots) {
    return ResourceRequest.of(supervisorCpus + slots * size.cpus(), supervisorMemMib + slots * size.memMib())
        .withPorts(slots + 1);
  }

  /**
   * A task update. A Supervisor whose task ended is dropped (Storm reassigns its workers; the
   * next rounds ask for slots again); a running task this fleet does not know (a Nimbus restart:
   * reconciliation) is taken back.
   *
   * @return the Supervisor that ended, or null
   */
  Supervisor update(String taskId, String agentId, TaskState state, long nowMillis) {
    Supervisor s = supervisors.get(taskId);
    if (io.corral.common.task.TaskStates.isTerminal(state)) {
      if (s != null) {
        supervisors.remove(taskId);
        ended.put(taskId, new Ended(s.agentId, s.ports, nowMillis));
        if (s.state == State.LAUNCHING) {
          long[] f = startFailures.computeIfAbsent(s.agentId, k -> new long[2]);
          f[0] = nowMillis - f[1] < FAILED_AGENT_PAUSE_MILLIS ? f[0] + 1 : 1;
          f[1] = nowMillis;
        }
      }
      return s;
    }
    if (s == null) {
      if (!ended.containsKey(taskId)) {
        supervisors.put(taskId, new Supervisor(taskId, agentId, "", 0, RangeSet.EMPTY, State.RUNNING));
      }
    } else if (state == TaskState.TASK_RUNNING && s.state == State.LAUNCHING) {
      s.state = State.RUNNING;
      startFailures.remove(s.agentId);
    }
    return null;
  }

  /**
   * Supervisors whose slots Storm must not schedule onto: retiring, or whose task ended while
   * Storm may still list them (until {@code nimbus.supervisor.timeout.secs}).
   */
  Set<String> unusable() {
    Set<String> out = new HashSet<>(ended.keySet());
    for (Supervisor s : supervisors.values()) {
      if (s.state == State.RETIRING) {
        out.add(s.id);
      }
    }
    return out;
  }

  /** The port list as Storm wants it in {@code supervisor.slots.ports}. */
  static List<Integer> ports(RangeSet set) {
    List<Integer> out = new ArrayList<>();
    for (long[] r : set.intervals()) {
      for (long p = r[0]; p <= r[1]; p++) {
        out.add((int) p);
      }
    }
    return out;
  }
}
