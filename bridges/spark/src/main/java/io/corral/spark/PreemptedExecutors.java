package io.corral.spark;

import io.corral.protocol.SchedulerEvent.PreemptionNotice;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.ExecutorDecommissionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.Tuple2;

/**
 * How the application answers a preemption notice: the master takes executors back for a role
 * below its guarantee, and Spark decommissions them (no new tasks; the running ones finish; shuffle
 * and cached blocks move to the other executors; then they exit), as it does for a Kubernetes
 * node's drain or a standalone worker's decommission. With dynamic allocation the executor target
 * drops by as many, so that they are asked back only when Spark needs more; otherwise the fleet
 * replaces them once the pool has room. What still runs at the notice's deadline the master kills.
 *
 * <p>{@link #notice} runs on the backend's loop; Spark's decommissioning, which asks Spark's block
 * manager master and waits for its answer, on a thread of its own ("corral-spark-decommission").
 */
final class PreemptedExecutors implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PreemptedExecutors.class);

  /** Spark's {@code decommissionExecutors(executors, adjustTargetNumExecutors, triggeredByExecutor = false)}. */
  interface Decommission {
    void apply(Tuple2<String, ExecutorDecommissionInfo>[] executors, boolean adjustTarget);
  }

  private final boolean enabled;
  private final boolean adjustTarget;
  private final ExecutorFleet fleet;
  private final Decommission decommission;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "corral-spark-decommission");
    t.setDaemon(true);
    return t;
  });

  PreemptedExecutors(SparkConf conf, ExecutorFleet fleet, Decommission decommission) {
    this(DecommissionDefaults.enabled(conf), org.apache.spark.util.Utils.isDynamicAllocationEnabled(conf), fleet,
        decommission);
  }

  /**
   * @param enabled whether Spark decommissions executors ({@code spark.decommission.enabled})
   * @param adjustTarget whether the executor target drops by the executors decommissioned (dynamic allocation)
   */
  PreemptedExecutors(boolean enabled, boolean adjustTarget, ExecutorFleet fleet, Decommission decommission) {
    this.enabled = enabled;
    this.adjustTarget = adjustTarget;
    this.fleet = fleet;
    this.decommission = decommission;
  }

  /** A notice: decommissions the fleet's executors it names (once; those being killed are left alone). */
  void notice(PreemptionNotice notice) {
    List<String> named = notice.getTasksList().stream().map(PreemptionNotice.Task::getTaskId).toList();
    List<ExecutorFleet.Executor> executors = fleet.toDecommission(named);
    if (executors.isEmpty()) {
      return;
    }
    String ids = String.join(", ", executors.stream().map(ExecutorFleet.Executor::id).toList());
    String deadline = Instant.ofEpochMilli((long) (notice.getDeadlineSeconds() * 1000)).toString();
    if (!enabled) {
      LOG.warn("the Corral master preempts executors {} for role {}: killed at {} (spark.decommission.enabled is "
          + "false: they are not decommissioned, and what they hold is computed again)", ids, notice.getRole(),
          deadline);
      return;
    }
    LOG.info("the Corral master preempts executors {} for role {}: decommissioning them (killed at {} if still "
        + "running)", ids, notice.getRole(), deadline);
    @SuppressWarnings("unchecked")
    Tuple2<String, ExecutorDecommissionInfo>[] which = new Tuple2[executors.size()];
    for (int i = 0; i < which.length; i++) {
      ExecutorFleet.Executor e = executors.get(i);
      which[i] = new Tuple2<>(e.id(), new ExecutorDecommissionInfo("preempted by Corral for role " + notice.getRole()
          + " (task " + e.taskId() + " on " + e.host() + ", killed at " + deadline + ")", Option.empty()));
    }
    try {
      thread.execute(() -> {
        try {
          decommission.apply(which, adjustTarget);
        } catch (RuntimeException ex) {
          LOG.warn("could not decommission executors {} (they are killed at {}): {}", ids, deadline, ex.toString());
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed: the application stops
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
