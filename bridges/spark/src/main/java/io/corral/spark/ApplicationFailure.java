package io.corral.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.JobFailed;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.TaskSchedulerImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What failing the application ({@link ExecutorFailures}) does to Spark, so that it ends with the
 * reason instead of waiting for executors: a SparkContext still starting (waiting for its first
 * executors) fails its start with it; in a running one, the job running now, or else the next one
 * submitted, is aborted with it ("Job aborted due to stage failure: ..."), and the context stops
 * once that job failed (its caller has the reason then: Spark tells a job's caller before its
 * listeners). Like Spark's standalone backend when its master gives up on the application, minus
 * a stop that could beat the job's abort to the caller ("... cancelled because SparkContext was
 * shut down").
 *
 * <p>{@link #fail} and {@link #abortJobs} run on the backend's thread, {@link #checkReady} on the
 * SparkContext's starting thread, the listener on Spark's listener bus (which stops the context from
 * a thread of its own that does not inherit the bus's thread-locals: Spark refuses a stop from the
 * bus's threads, and from threads they start that inherit them).
 */
final class ApplicationFailure {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationFailure.class);

  private final SparkContext sc;
  private final TaskSchedulerImpl scheduler;
  /** Why the application failed, or null. */
  private volatile String why;
  /** Whether the SparkContext's start has seen the backend ready (its jobs may run). */
  private volatile boolean started;

  ApplicationFailure(SparkContext sc, TaskSchedulerImpl scheduler) {
    this.sc = sc;
    this.scheduler = scheduler;
    sc.addSparkListener(new SparkListener() {
      @Override
      public void onJobEnd(SparkListenerJobEnd end) {
        if (why != null && end.jobResult() instanceof JobFailed) {
          Thread stop = new Thread(null, sc::stop, "stop-spark-context", 0, false);
          stop.setDaemon(true);
          stop.start();
        }
      }
    });
  }

  boolean failed() {
    return why != null;
  }

  /** Fails the application (once): aborts what runs, or has the start fail. */
  void fail(String reason) {
    if (why != null) {
      return;
    }
    LOG.error("the application fails: {}", reason);
    why = reason;
    // With checkReady: whichever of the two sees the other's write acts; at worst both do (harmless).
    if (started) {
      abortJobs();
    }
  }

  /**
   * For the backend's {@code isReady}, which Spark calls only while the SparkContext starts:
   * whether it may start now; throws the reason when the application failed.
   */
  boolean checkReady(boolean backendReady) {
    if (backendReady) {
      started = true;
    }
    String reason = why;
    if (reason != null) {
      throw Errors.spark(reason);
    }
    return started;
  }

  /** Whether jobs submitted now must be aborted ({@link #abortJobs}). */
  boolean abortsJobs() {
    return why != null && started;
  }

  /** Aborts the running jobs' task sets with the reason, if any run. */
  void abortJobs() {
    try {
      scheduler.error(why);
    } catch (Exception e) { // SparkException: no task set now; the next job's is aborted when submitted
      LOG.debug("no job to abort now: {}", e.getMessage());
    }
  }
}
