package io.corral.storm;

import io.corral.bridges.common.FailingAgents;
import io.corral.bridges.common.Fleet;
import io.corral.bridges.common.Fleet.Member;
import io.corral.bridges.common.Fleet.Phase;
import io.corral.bridges.common.IdleRelease;
import io.corral.common.loop.EventLoop;
import io.corral.common.resources.RangeSet;
import io.corral.common.resources.Resources;
import io.corral.common.task.TaskStates;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.scheduler.OfferMatcher;
import io.corral.scheduler.ResourceRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Supervisors the Nimbus runs as Corral executors, and how many more worker slots Storm
 * needs. Storm only schedules onto Supervisors that are registered, so slots cannot come from
 * offers directly (what broke Storm-on-Mesos for Storm 1.1+): Storm's scheduler reports workers
 * it could not place ({@link #observe}), and the fleet launches Supervisors with that many slots
 * from offers ({@link #place}), spread over agents; Storm schedules onto them once they register.
 * A Supervisor with no worker for the idle timeout is retired (its task killed, its resources
 * back to the pool), unless some topology still waits for slots: the bridges' {@link Fleet} times
 * it on the framework's loop.
 *
 * <p>A preemption notice naming Supervisors ({@link #noticed}) releases at once those with no
 * worker, and drains the others: their slots are withheld from Storm, {@link Drain} moves their
 * workers to free slots (or the fleet launches Supervisors for them from offers), and each is
 * released once Storm's assignment shows it empty ({@link Observation#drained}). A drain the master
 * did not carry out by its deadline (its role no longer needs the resources) lapses: the slots are
 * Storm's again.
 *
 * <p>Not thread-safe: owned by the framework's loop.
 */
final class SupervisorFleet {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisorFleet.class);
  /**
   * One Supervisor (its Storm supervisor id is its Corral task id, its key in the fleet).
   *
   * @param slots worker slots it was launched with (0 when recovered after a Nimbus restart: Storm knows them)
   * @param ports its Thrift and slot ports (empty when recovered after a Nimbus restart)
   */
  record Supervisor(String host, int slots, RangeSet ports) {}

  /**
   * What a Supervisor takes besides its workers, and how long it may idle.
   *
   * @param cpus, memMib of the Supervisor's own JVM
   */
  record Sizing(double cpus, double memMib, Duration idleTimeout) {}

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
   * @param drained draining Supervisors with no worker left in Storm's assignments
   */
  record Observation(int missingWorkers, int freeSlots, WorkerSize size, Map<String, Integer> usedSlots,
      Set<String> drained) {
    Observation(int missingWorkers, int freeSlots, WorkerSize size, Map<String, Integer> usedSlots) {
      this(missingWorkers, freeSlots, size, usedSlots, Set.of());
    }

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
  private record Ended(String agentId, RangeSet ports, Instant at, boolean confirmed) {}

  /**
   * Supervisors Storm must not schedule onto, as one round sees them.
   *
   * @param all every Supervisor whose slots are withheld: retiring, ended, or draining
   * @param gone those whose task the agent saw end (not a lost agent's): no worker of theirs runs
   * @param draining those named by a preemption notice that still have workers, with the master's
   *     deadline for them
   */
  record Withheld(Set<String> all, Set<String> gone, Map<String, Instant> draining) {
    static final Withheld NONE = new Withheld(Set.of(), Set.of(), Map.of());

    Withheld {
      all = Set.copyOf(all);
      gone = Set.copyOf(gone);
      draining = Collections.unmodifiableMap(new LinkedHashMap<>(draining));
    }
  }

  /** Why a Supervisor is released. */
  enum Reason {
    /** No worker for the idle timeout. */
    IDLE,
    /** A preemption notice named it. */
    PREEMPTED
  }

  /**
   * What a preemption notice did.
   *
   * @param released Supervisors with no worker, released at once
   * @param draining Supervisors whose workers move first
   */
  record Answer(List<String> released, List<String> draining) {}

  /** Terminal task states this long ago are forgotten (Storm has dropped the Supervisor by then). */
  private static final Duration DEAD_MEMORY = Duration.ofMinutes(10);
  /** An agent where Supervisors failed to start this many times in a row is avoided ... */
  static final int MAX_START_FAILURES = 2;
  /** ... for this long. */
  static final Duration FAILED_AGENT_PAUSE = Duration.ofMinutes(5);
  /** A drain still under way this long after the master's deadline lapses (the master's clock may differ). */
  static final Duration LAPSE_SLACK = Duration.ofSeconds(5);

  private final Fleet<Supervisor> supervisors;
  /** Supervisors whose task ended lately, by id. */
  private final Map<String, Ended> ended = new HashMap<>();
  /** Agents where Supervisors failed before running. */
  private final FailingAgents startFailures;
  private final Sizing sizing;
  private final Clock clock;
  private final EventLoop loop;
  /** Supervisors a preemption notice named, not ended yet, in the order named: the master's deadline. */
  private final Map<String, Instant> noticed = new LinkedHashMap<>();
  /** Busy slots of each registered Supervisor in the last round; null before the first. */
  private Map<String, Integer> used;
  private int wanted;
  private WorkerSize size;
  private long seq;

  /**
   * @param loop the framework's loop, where idle Supervisors are timed
   * @param retire kills the task of a Supervisor released, idle or preempted
   */
  SupervisorFleet(Sizing sizing, EventLoop loop, Clock clock, BiConsumer<Member<Supervisor>, Reason> retire) {
    this.sizing = sizing;
    this.clock = clock;
    this.loop = loop;
    this.supervisors = new Fleet<>(loop, IdleRelease.after(sizing.idleTimeout()),
        s -> retire.accept(s, noticed.containsKey(s.key()) ? Reason.PREEMPTED : Reason.IDLE));
    this.startFailures = new FailingAgents(MAX_START_FAILURES, Optional.of(FAILED_AGENT_PAUSE), clock);
  }

  /** Slots still to launch. */
  int wanted() {
    return wanted;
  }

  Collection<Member<Supervisor>> supervisors() {
    return supervisors.members();
  }

  /**
   * Takes in a scheduling round: how many slots to launch (missing workers less free slots and
   * the slots of Supervisors launched but not registered yet), and which Supervisors are idle:
   * none is retired while any topology misses workers.
   */
  void observe(Observation o) {
    int pending = 0;
    for (Member<Supervisor> s : supervisors.members()) {
      if (s.live() && !o.registered(s.key())) {
        pending += s.executor().slots();
      }
    }
    wanted = Math.max(0, o.missingWorkers() - o.freeSlots() - pending);
    size = o.size();
    for (Member<Supervisor> s : supervisors.members()) {
      if (s.phase() != Phase.RUNNING || !o.registered(s.key())) {
        continue;
      }
      if (o.usedSlots().getOrDefault(s.key(), 0) > 0) {
        supervisors.busy(s.key());
      } else {
        supervisors.idle(s.key());
      }
    }
    supervisors.hold(o.missingWorkers() > 0);
    used = Map.copyOf(o.usedSlots());
    for (String id : o.drained()) {
      if (noticed.containsKey(id)) {
        supervisors.release(id);
      }
    }
    Instant now = clock.instant();
    ended.values().removeIf(e -> Duration.between(e.at(), now).compareTo(DEAD_MEMORY) > 0);
  }

  /**
   * A preemption notice named these tasks (Supervisor ids; others are not this fleet's): the master
   * kills them at {@code deadline}. One still starting, or with no worker in the last round, is
   * released now; the others drain (see the class). A notice made again (after a failover) changes
   * nothing.
   */
  Answer noticed(Collection<String> ids, Instant deadline) {
    List<String> released = new ArrayList<>();
    List<String> draining = new ArrayList<>();
    for (String id : ids) {
      Member<Supervisor> s = supervisors.get(id);
      if (s == null || !s.live() || noticed.containsKey(id)) {
        continue;
      }
      noticed.put(id, deadline);
      if (s.phase() == Phase.STARTING || used != null && used.getOrDefault(id, 0) == 0) {
        supervisors.release(id);
        released.add(id);
      } else {
        draining.add(id);
        Duration left = Duration.between(clock.instant(), deadline.plus(LAPSE_SLACK));
        loop.schedule(left.isNegative() ? Duration.ZERO : left, () -> lapse(id));
      }
    }
    return new Answer(List.copyOf(released), List.copyOf(draining));
  }

  /**
   * A drain past its deadline: the master left the Supervisor running, so its role needs the
   * resources no more; its slots are Storm's again.
   */
  private void lapse(String id) {
    Member<Supervisor> s = supervisors.get(id);
    if (s != null && s.live() && noticed.remove(id) != null) {
      LOG.info("Supervisor {} still runs after its preemption deadline: the master let it be; its slots "
          + "are Storm's again", id);
    }
  }

  /**
   * Supervisors to launch on these offers for the slots still wanted: one slot at a time over
   * the offers, agents with no Supervisor of this Nimbus first (so the workers of a topology
   * spread as Storm's even scheduler would spread them), never a second Supervisor on an agent
   * where one is still starting.
   */
  List<Launch> place(List<Offer> offers) {
    if (wanted == 0 || size == null) {
      return List.of();
    }
    Set<String> starting = supervisors.agents(s -> s.phase() == Phase.STARTING);
    List<Offer> usable = new ArrayList<>();
    for (Offer o : offers) {
      if (!starting.contains(o.getAgentId()) && !failing(o.getAgentId())) {
        usable.add(o);
      }
    }
    usable.sort(Comparator.comparingInt((Offer o) -> supervisors.onAgent(o.getAgentId(), Member::live)));
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
      String id = "supervisor-" + Long.toString(clock.millis(), 36) + "-" + (++seq);
      supervisors.starting(id, offer.getAgentId(), new Supervisor(offer.getHostname(), k, r.ports()));
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
  boolean failing(String agentId) {
    return startFailures.failing(agentId);
  }

  private boolean fits(Offer o, int slots) {
    return OfferMatcher.fit(Resources.fromProto(o.getResourcesList()), request(slots)) != null;
  }

  /** A Supervisor with {@code slots} slots: its own JVM, the workers', a Thrift port and a port per slot. */
  private ResourceRequest request(int slots) {
    return ResourceRequest.of(sizing.cpus() + slots * size.cpus(), sizing.memMib() + slots * size.memMib())
        .withPorts(slots + 1);
  }

  /**
   * A task update. A Supervisor whose task ended is dropped (Storm reassigns its workers; the
   * next rounds ask for slots again); a running task this fleet does not know (a Nimbus restart:
   * reconciliation) is taken back.
   *
   * @return the Supervisor that ended, as it was (its phase {@code RELEASING} when it was retired), or null
   */
  Member<Supervisor> update(String taskId, String agentId, TaskState state) {
    if (TaskStates.isTerminal(state)) {
      noticed.remove(taskId);
      Member<Supervisor> s = supervisors.remove(taskId);
      if (s != null) {
        ended.put(taskId, new Ended(s.agentId(), s.executor().ports(), clock.instant(), seenToEnd(state)));
        if (s.phase() == Phase.STARTING) {
          startFailures.failed(s.agentId());
        }
      }
      return s;
    }
    Member<Supervisor> s = supervisors.get(taskId);
    if (s == null) {
      if (!ended.containsKey(taskId)) {
        supervisors.adopt(taskId, agentId, new Supervisor("", 0, RangeSet.EMPTY));
      }
    } else if (state == TaskState.TASK_RUNNING && supervisors.running(taskId)) {
      startFailures.started(s.agentId());
    }
    return null;
  }

  /** Whether the agent saw the task end, so that no process of it is left (not so when its agent was lost). */
  private static boolean seenToEnd(TaskState state) {
    return switch (state) {
      case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_DROPPED -> true;
      default -> false;
    };
  }

  /**
   * Supervisors whose slots Storm must not schedule onto: retiring, draining, or whose task ended
   * while Storm may still list them (until their ZooKeeper session expires).
   */
  Withheld withheld() {
    Set<String> all = new HashSet<>(ended.keySet());
    supervisors.members().stream().filter(s -> !s.live()).forEach(s -> all.add(s.key()));
    Map<String, Instant> draining = new LinkedHashMap<>();
    noticed.forEach((id, deadline) -> {
      Member<Supervisor> s = supervisors.get(id);
      if (s != null && s.live()) {
        draining.put(id, deadline);
        all.add(id);
      }
    });
    Set<String> gone = new HashSet<>();
    ended.forEach((id, e) -> {
      if (e.confirmed()) {
        gone.add(id);
      }
    });
    return new Withheld(all, gone, draining);
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
