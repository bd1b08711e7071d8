package io.corral.hadoop.am;

import io.corral.common.resources.Resources;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.mapreduce.v2.api.records.TaskAttemptId;
import org.apache.hadoop.mapreduce.v2.api.records.TaskType;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;

/**
 * The containers Hadoop's attempts were given, each a Corral task whose id is the container id,
 * and the offers they were given from: an offer's containers are launched together once Hadoop
 * has sent each one's launch context ({@link Batch}). Pure bookkeeping; not thread-safe: owned
 * by the {@link JobFramework}'s loop.
 */
final class Containers {
  enum State { ASSIGNED, LAUNCHING, RUNNING }

  /** A container given to an attempt. */
  static final class Slot {
    final TaskAttemptId attempt;
    final ContainerId id;
    /** What Hadoop was given for it (its id is {@link #id}). */
    final Container container;
    final String agentId;
    final Resources resources;
    final String offerId;
    State state = State.ASSIGNED;
    /** Killed to make room for maps; its container is not gone yet. */
    boolean preempted;
    /** Named in a preemption notice the job's AMPreemptionPolicy was handed. */
    boolean noticed;

    Slot(TaskAttemptId attempt, Container container, String agentId, Resources resources, String offerId) {
      this.attempt = attempt;
      this.id = container.getId();
      this.container = container;
      this.agentId = agentId;
      this.resources = resources;
      this.offerId = offerId;
    }

    boolean isMap() {
      return attempt.getTaskId().getTaskType() == TaskType.MAP;
    }
  }

  /** An offer whose containers were assigned; launched once Hadoop has sent each one's launch context. */
  static final class Batch {
    final Offer offer;
    final Set<String> waiting = new HashSet<>();
    final List<TaskInfo> ready = new ArrayList<>();

    Batch(Offer offer) {
      this.offer = offer;
    }
  }

  private final Map<String, Slot> slots = new HashMap<>(); // by container id = Corral task id
  private final Map<TaskAttemptId, Slot> byAttempt = new HashMap<>();
  private final Map<String, Batch> batches = new HashMap<>(); // by offer id

  /** Gives the attempt a container of the batch's offer, waiting for its launch context. */
  Slot assign(Batch batch, TaskAttemptId attempt, Container container, Resources resources) {
    Slot s = new Slot(attempt, container, batch.offer.getAgentId(), resources, batch.offer.getId());
    slots.put(s.id.toString(), s);
    byAttempt.put(attempt, s);
    batch.waiting.add(s.id.toString());
    return s;
  }

  /** Keeps a batch that got containers until they are all launched or withdrawn. */
  void keep(Batch batch) {
    batches.put(batch.offer.getId(), batch);
  }

  /** The containers launched (or being launched) for attempts of the given type. */
  List<Slot> launched(TaskType type) {
    return slots.values().stream().filter(s -> s.state != State.ASSIGNED && s.attempt.getTaskId().getTaskType() == type)
        .toList();
  }

  /** The container's slot (by container id = Corral task id), or null. */
  Slot get(String containerId) {
    return slots.get(containerId);
  }

  Slot of(TaskAttemptId attempt) {
    return byAttempt.get(attempt);
  }

  Collection<Slot> all() {
    return List.copyOf(slots.values());
  }

  /** Agents that run (or are about to run) a container. */
  Set<String> busyAgents() {
    Set<String> busy = new HashSet<>();
    slots.values().forEach(s -> busy.add(s.agentId));
    return busy;
  }

  /** The batch the container waits in for its launch context, or null (it is launched, or its offer is gone). */
  Batch waitingIn(Slot s) {
    Batch b = batches.get(s.offerId);
    return b != null && b.waiting.contains(s.id.toString()) ? b : null;
  }

  /** Hadoop sent the container's launch context: its task joins the batch's ready ones. */
  void ready(Batch b, Slot s, TaskInfo task) {
    b.waiting.remove(s.id.toString());
    b.ready.add(task);
    s.state = State.LAUNCHING;
  }

  /**
   * Takes an assigned container that was not launched out of its batch and forgets it. Returns the
   * batch, or null when the container is past that (then it has to be killed).
   */
  Batch withdraw(Slot s) {
    Batch b = batches.get(s.offerId);
    if (s.state != State.ASSIGNED || b == null || !b.waiting.remove(s.id.toString())) {
      return null;
    }
    forget(s);
    return b;
  }

  /** Whether the batch waits for no launch context any more; then it is done with. */
  boolean complete(Batch b) {
    if (!b.waiting.isEmpty()) {
      return false;
    }
    batches.remove(b.offer.getId());
    return true;
  }

  /** The container is gone. */
  void forget(Slot s) {
    slots.remove(s.id.toString());
    byAttempt.remove(s.attempt, s);
  }
}
