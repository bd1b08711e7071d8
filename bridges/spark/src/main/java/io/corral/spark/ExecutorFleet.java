package io.corral.spark;

import io.corral.bridges.common.Fleet;
import io.corral.bridges.common.Fleet.Member;
import io.corral.bridges.common.Fleet.Phase;
import io.corral.bridges.common.IdleRelease;
import io.corral.common.loop.EventLoop;
import io.corral.common.resources.Resources;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.OfferMatcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The application's executors as Corral tasks, and where new ones go: pure bookkeeping, owned
 * by one thread (the backend's loop). Spark sets a target count (its initial count, then dynamic
 * allocation's requests); offers are filled up to that target and {@code spark.cores.max},
 * one executor per agent per round so that executors spread over the agents. Hosts Spark excludes
 * get none; agents where executors keep failing ({@link ExecutorFailures}) get one only when no
 * other agent offered room for it, so one bad agent does not use up the application's failures
 * while a bad configuration, failing everywhere, still ends it instead of waiting for ever. The
 * executors are a {@link Fleet} of the bridges' core: Spark alone decides when one goes
 * ({@link #kill}).
 */
final class ExecutorFleet {
  /** One executor: Spark's id ("1", "2", ...) and its Corral task (its key in the fleet). */
  record Executor(String id, String taskId, String agentId, String host) {}

  /** An executor to launch on an offer, with the exact resources it takes. */
  record Launch(Offer offer, Executor executor, Resources resources) {}

  /**
   * How an executor ended, for Spark's {@code removeExecutor}.
   *
   * @param decommissioned Spark decommissioned it (for a preemption notice, or dynamic allocation
   *     let it go), or the master preempted it ({@code REASON_PREEMPTED}): it left as Spark asked or
   *     the cluster decided, however its task ended
   */
  record Ended(Executor executor, TaskState state, TaskStatusReason reason, boolean killedByUs, boolean agentLost,
      boolean decommissioned) {
    /**
     * Whether it counts as a failed executor (toward {@code spark.executor.maxNumFailures}): its launch
     * failed or was refused, or it died (exited, ran out of memory). Not an executor the application
     * killed (dynamic allocation, stop) or decommissioned (it exits by itself once its blocks moved),
     * nor one lost with its agent or ended by the agent's or the cluster's doing (agent lost, removed,
     * restarted without it, shut down; framework removed; preempted): like YARN, which counts neither
     * preempted containers nor those of lost or decommissioned nodes, since an executor elsewhere would
     * do as well; a machine's loss is not a sign that the application's executors cannot run.
     */
    boolean failed() {
      if (killedByUs || agentLost || decommissioned
          || (state != TaskState.TASK_FAILED && state != TaskState.TASK_ERROR)) {
        return false;
      }
      return switch (reason) {
        case REASON_AGENT_UNREACHABLE, REASON_AGENT_REMOVED, REASON_AGENT_REREGISTERED, REASON_AGENT_SHUTDOWN,
            REASON_AGENT_RECOVERY_FAILED, REASON_FRAMEWORK_REMOVED, REASON_MASTER_NOT_LEADING -> false;
        default -> true;
      };
    }
  }

  private final ExecutorSpec spec;
  private final int maxCores;
  private final Fleet<Executor> executors;
  /** Task ids of the executors Spark decommissions: they leave by themselves. */
  private final Set<String> decommissioning = new HashSet<>();
  private int target;
  private int nextId = 1;

  /**
   * @param maxCores {@code spark.cores.max}, or {@link Integer#MAX_VALUE} when unset
   * @param loop the loop that owns the fleet
   * @param kill kills an executor's task (Spark asked for it)
   */
  ExecutorFleet(ExecutorSpec spec, int maxCores, int initialTarget, EventLoop loop, Consumer<Executor> kill) {
    this.spec = spec;
    this.maxCores = maxCores;
    this.target = Math.max(0, initialTarget);
    this.executors = new Fleet<>(loop, IdleRelease.never(), m -> kill.accept(m.executor()));
  }

  int target() {
    return target;
  }

  /** Sets the executor count Spark wants; returns whether more executors are now wanted. */
  boolean setTarget(int n) {
    target = Math.max(0, n);
    return wanted() > 0;
  }

  /** Executors not being killed (launching or running). */
  int alive() {
    return executors.count(Member::live);
  }

  int running() {
    return executors.count(e -> e.phase() == Phase.RUNNING);
  }

  /** How many more executors to launch now: up to the target and within {@code spark.cores.max}. */
  int wanted() {
    int byCount = target - alive();
    long coresHeld = (long) executors.count(e -> true) * spec.cores();
    long byCores = (maxCores - coresHeld) / spec.cores();
    return (int) Math.max(0, Math.min(byCount, byCores));
  }

  Collection<Executor> executors() {
    return executors.members().stream().map(Member::executor).toList();
  }

  Executor byExecutorId(String id) {
    return executors().stream().filter(e -> e.id().equals(id)).findFirst().orElse(null);
  }

  /**
   * Places wanted executors on the offers, spread: each round puts at most one executor on each
   * agent, agents with fewer of this application's executors first; agents {@code failing} get
   * executors only when the other offers have no room left. Offers that get nothing are not in
   * the result (decline them). The executors placed are recorded as launching.
   *
   * @param excludedHosts hosts Spark excludes: nothing goes there
   * @param failing whether executors keep failing on an agent (by agent id)
   */
  List<Launch> place(List<Offer> offers, Set<String> excludedHosts, Predicate<String> failing) {
    List<Offer> usable = offers.stream().filter(o -> !excludedHosts.contains(o.getHostname())).toList();
    List<Launch> out = new ArrayList<>(placeSpread(usable.stream().filter(o -> !failing.test(o.getAgentId())).toList()));
    out.addAll(placeSpread(usable.stream().filter(o -> failing.test(o.getAgentId())).toList()));
    return out;
  }

  private List<Launch> placeSpread(List<Offer> offers) {
    Map<String, Resources> left = new LinkedHashMap<>();
    Map<String, Offer> offerById = new LinkedHashMap<>();
    for (Offer o : offers) {
      left.put(o.getId(), Resources.fromProto(o.getResourcesList()));
      offerById.put(o.getId(), o);
    }
    List<Launch> out = new ArrayList<>();
    boolean placedInRound = true;
    while (wanted() > 0 && placedInRound) {
      placedInRound = false;
      List<Offer> round = new ArrayList<>(offerById.values());
      round.sort(Comparator.comparingLong(o -> executors.onAgent(o.getAgentId(), e -> true)));
      Set<String> agentsThisRound = new java.util.HashSet<>();
      for (Offer o : round) {
        if (wanted() <= 0) {
          break;
        }
        if (!agentsThisRound.add(o.getAgentId())) {
          continue;
        }
        Resources exact = OfferMatcher.fit(left.get(o.getId()), spec.request());
        if (exact == null) {
          continue;
        }
        left.put(o.getId(), left.get(o.getId()).minus(exact));
        String id = Integer.toString(nextId++);
        Executor e = new Executor(id, "executor-" + id, o.getAgentId(), o.getHostname());
        executors.starting(e.taskId(), e.agentId(), e);
        out.add(new Launch(o, e, exact));
        placedInRound = true;
      }
    }
    return out;
  }

  /** Kills an executor (Spark asked); returns it, or null if unknown or being killed already. */
  Executor kill(String executorId) {
    Executor e = byExecutorId(executorId);
    Member<Executor> killed = e == null ? null : executors.release(e.taskId());
    return killed == null ? null : killed.executor();
  }

  /**
   * The executors among {@code taskIds} (a preemption notice's) that run or start and that Spark does
   * not decommission yet: those to decommission now. Executors being killed, and tasks not of this
   * fleet, are left out.
   */
  List<Executor> toDecommission(Collection<String> taskIds) {
    List<Executor> out = new ArrayList<>();
    for (String taskId : taskIds) {
      Member<Executor> m = executors.get(taskId);
      if (m != null && m.live() && !decommissioning.contains(taskId)) {
        out.add(m.executor());
      }
    }
    return out;
  }

  /** Spark decommissions the executor (by Spark's id): it leaves by itself, which is no failure. */
  void decommissioning(String executorId) {
    Executor e = byExecutorId(executorId);
    if (e != null) {
      decommissioning.add(e.taskId());
    }
  }

  /** Whether Spark decommissions the executor (by Spark's id). */
  boolean isDecommissioning(String executorId) {
    Executor e = byExecutorId(executorId);
    return e != null && decommissioning.contains(e.taskId());
  }

  /**
   * Applies a task's new state; returns how the executor ended when the state is terminal (or
   * unreachable: Spark cannot use it), else null.
   */
  Ended update(TaskStatus status) {
    String taskId = status.getTaskId();
    TaskState state = status.getState();
    Member<Executor> e = executors.get(taskId);
    if (e == null) {
      return null;
    }
    switch (state) {
      case TASK_RUNNING -> {
        executors.running(taskId);
        return null;
      }
      case TASK_STAGING, TASK_STARTING, TASK_KILLING, TASK_STATE_UNSPECIFIED, UNRECOGNIZED -> {
        return null;
      }
      default -> {
        executors.remove(taskId);
        boolean killed = !e.live();
        boolean agentLost = state == TaskState.TASK_LOST || state == TaskState.TASK_UNREACHABLE
            || state == TaskState.TASK_GONE || state == TaskState.TASK_GONE_BY_OPERATOR;
        boolean decommissioned = decommissioning.remove(taskId) || status.getReason() == TaskStatusReason.REASON_PREEMPTED;
        return new Ended(e.executor(), state, status.getReason(), killed, agentLost, decommissioned);
      }
    }
  }
}
