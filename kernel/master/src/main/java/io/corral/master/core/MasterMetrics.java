package io.corral.master.core;

import io.corral.protocol.TaskState;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters the master keeps about itself. Written by the event loop, read from anywhere
 * (HTTP, benchmarks), hence atomics.
 */
public final class MasterMetrics {
  /** Allocation cycles kept per kind in {@link #fullCycles} and {@link #incrementalCycles}. */
  public static final int CYCLES_KEPT = 1024;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

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
  /** The latest periodic cycles over all agents, with their durations. */
  public final CycleLog fullCycles = new CycleLog(CYCLES_KEPT);
  /** The latest cycles over the agents whose resources changed (run after events). */
  public final CycleLog incrementalCycles = new CycleLog(CYCLES_KEPT);
  private final AtomicLongArray taskStates = new AtomicLongArray(TaskState.values().length);

  void taskReached(TaskState state) {
    if (state != TaskState.UNRECOGNIZED) {
      taskStates.incrementAndGet(state.getNumber());
    }
  }

  /**
   * A cycle ran: {@code allocatorNanos} in the allocator, {@code totalNanos} including making
   * the offers, {@code cpuNanos} of CPU on the loop thread. The counters above count the
   * allocator's time only.
   */
  void allocationTook(boolean full, long allocatorNanos, long totalNanos, long cpuNanos, int offers) {
    allocationCycles.incrementAndGet();
    allocationNanosTotal.addAndGet(allocatorNanos);
    allocationNanosLast.set(allocatorNanos);
    allocationNanosMax.accumulateAndGet(allocatorNanos, Math::max);
    (full ? fullCycles : incrementalCycles).record(allocatorNanos, totalNanos, cpuNanos, offers);
  }

  /** CPU time of the calling thread so far, or -1 if the JVM does not measure it. */
  static long threadCpuNanos() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
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
