package io.corral.master.core;

import io.corral.protocol.TaskState;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters the master keeps about itself. Written by the event loop, read from anywhere
 * (HTTP, benchmarks), hence atomics.
 */
public final class MasterMetrics {
  public final AtomicLong offersSent = new AtomicLong();
  public final AtomicLong offersDeclined = new AtomicLong();
  public final AtomicLong offersRescinded = new AtomicLong();
  public final AtomicLong offersAccepted = new AtomicLong();
  public final AtomicLong tasksLaunched = new AtomicLong();
  public final AtomicLong tasksInvalid = new AtomicLong();
  public final AtomicLong agentsRegistered = new AtomicLong();
  public final AtomicLong agentsReregistered = new AtomicLong();
  public final AtomicLong agentsUnreachable = new AtomicLong();
  public final AtomicLong frameworksSubscribed = new AtomicLong();
  public final AtomicLong frameworksRemoved = new AtomicLong();
  public final AtomicLong messagesIn = new AtomicLong();
  public final AtomicLong invalidCalls = new AtomicLong();
  public final AtomicLong statusUpdates = new AtomicLong();
  public final AtomicLong allocationCycles = new AtomicLong();
  public final AtomicLong allocationNanosTotal = new AtomicLong();
  public final AtomicLong allocationNanosLast = new AtomicLong();
  public final AtomicLong allocationNanosMax = new AtomicLong();
  private final AtomicLongArray taskStates = new AtomicLongArray(TaskState.values().length);

  void taskReached(TaskState state) {
    if (state != TaskState.UNRECOGNIZED) {
      taskStates.incrementAndGet(state.getNumber());
    }
  }

  void allocationTook(long nanos) {
    allocationCycles.incrementAndGet();
    allocationNanosTotal.addAndGet(nanos);
    allocationNanosLast.set(nanos);
    allocationNanosMax.accumulateAndGet(nanos, Math::max);
  }

  /** How many times tasks entered each state since the master started. */
  public Map<TaskState, Long> taskStateCounts() {
    Map<TaskState, Long> out = new EnumMap<>(TaskState.class);
    for (TaskState s : TaskState.values()) {
      if (s != TaskState.UNRECOGNIZED && taskStates.get(s.getNumber()) > 0) {
        out.put(s, taskStates.get(s.getNumber()));
      }
    }
    return out;
  }
}
