package io.corral.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.ExternalClusterManager;
import org.apache.spark.scheduler.SchedulerBackend;
import org.apache.spark.scheduler.TaskScheduler;
import org.apache.spark.scheduler.TaskSchedulerImpl;

/**
 * Spark's entry point into Corral, found through {@code ServiceLoader}
 * ({@code META-INF/services/org.apache.spark.scheduler.ExternalClusterManager}) for master URLs
 * of the forms {@link CorralMasterUrl} accepts. A malformed Corral URL fails the application at
 * once with one line saying what was expected. Executors are decommissioned, not just killed,
 * unless the application says otherwise ({@link DecommissionDefaults}).
 */
public final class CorralClusterManager implements ExternalClusterManager {

  @Override
  public boolean canCreate(String masterURL) {
    return CorralMasterUrl.isCorral(masterURL);
  }

  @Override
  public TaskScheduler createTaskScheduler(SparkContext sc, String masterURL) {
    parse(masterURL);
    DecommissionDefaults.apply(sc.conf()); // before the scheduler and backend read them
    return new TaskSchedulerImpl(sc);
  }

  @Override
  public SchedulerBackend createSchedulerBackend(SparkContext sc, String masterURL, TaskScheduler scheduler) {
    return new CorralSchedulerBackend((TaskSchedulerImpl) scheduler, sc, parse(masterURL));
  }

  @Override
  public void initialize(TaskScheduler scheduler, SchedulerBackend backend) {
    ((TaskSchedulerImpl) scheduler).initialize(backend);
  }

  private static CorralMasterUrl parse(String masterURL) {
    try {
      return CorralMasterUrl.parse(masterURL);
    } catch (IllegalArgumentException e) {
      // SparkContext passes a SparkException through as it is (anything else it wraps).
      throw Errors.spark(e.getMessage());
    }
  }
}
