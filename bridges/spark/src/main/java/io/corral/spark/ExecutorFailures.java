package io.corral.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.deploy.ExecutorFailureTracker;
import org.apache.spark.util.SystemClock;

/**
 * The application's failed executors, counted as Spark's YARN and Kubernetes backends count them,
 * with Spark's own {@link ExecutorFailureTracker}: once {@code spark.executor.maxNumFailures}
 * executors (default twice {@code spark.executor.instances}, or twice the dynamic allocation
 * maximum; at least 3) failed within {@code spark.executor.failuresValidityInterval} (default: since the start),
 * the application fails with the last one's error, as YARN's application master does ("Max number
 * of executor failures reached"), instead of waiting for executors that cannot start. The tracker
 * also counts per agent (its "host" is the agent id: agents may share a host), for placement
 * ({@link ExecutorFleet}). Used on the backend's thread.
 */
final class ExecutorFailures {
  /** Executors failed on an agent (within the validity interval) that make it a last resort. */
  static final int AGENT_FAILURES = 2;

  private final ExecutorFailureTracker tracker;
  private final int max;

  ExecutorFailures(SparkConf conf) {
    this.tracker = new ExecutorFailureTracker(conf, new SystemClock());
    this.max = ExecutorFailureTracker.maxNumExecutorFailures(conf);
  }

  /**
   * Counts a failed executor; returns why the application must now fail (one line, ending with
   * {@code error}), or null while it may go on.
   *
   * @param error what the executor's failure was, one line
   */
  String failed(String agentId, String error) {
    tracker.registerFailureOnHost(agentId);
    int n = tracker.numFailedExecutors();
    if (n < max) {
      return null;
    }
    return n + " executors failed (spark.executor.maxNumFailures: " + max + "); the last " + error;
  }

  /** Whether executors keep failing on an agent ({@value #AGENT_FAILURES} within the validity interval). */
  boolean failing(String agentId) {
    return tracker.numFailuresOnHost(agentId) >= AGENT_FAILURES;
  }
}
