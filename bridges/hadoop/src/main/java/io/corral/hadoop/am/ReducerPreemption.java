package io.corral.hadoop.am;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.MRJobConfig;

/**
 * Decides when a job kills one of its running reducers so that its waiting maps get room: what
 * YARN's {@code RMContainerAllocator} does when maps cannot fit the headroom. Reducers wait for
 * every map's output, so a reducer holding a slot a waiting map needs can only wait forever: after
 * a lost agent (its maps run again) with the job's own reducers filling the rest of the pool.
 *
 * <p>Offers replace YARN's headroom: maps that have waited {@link #delayMillis} with none of them
 * placed are starving; then one reducer is preempted, and another only after the same delay, so
 * the resources freed have time to be offered back.
 *
 * <p>Not thread-safe: owned by the {@link JobFramework}'s loop.
 */
final class ReducerPreemption {
  /** Hadoop's own delay defaults to 0 (preempt as soon as headroom is short); offers need a while. */
  static final long MIN_DELAY_MILLIS = 10_000;
  /** What the killed reduce attempt's diagnostics say (as with YARN). */
  static final String DIAGNOSTIC = "Reducer preempted to make room for pending map attempts";

  private final long delayMillis;
  private final LongSupplier clock;
  private long waitingSince = -1; // maps are waiting and none was placed since; -1: no map waits
  private long lastPreemption = -1;

  ReducerPreemption(long delayMillis, LongSupplier clock) {
    this.delayMillis = delayMillis;
    this.clock = clock;
  }

  /** {@code mapreduce.job.reducer.preempt.delay.sec}, at least {@link #MIN_DELAY_MILLIS}. */
  static long delayMillis(Configuration conf) {
    return Math.max(MIN_DELAY_MILLIS, conf.getTimeDuration(MRJobConfig.MR_JOB_REDUCER_PREEMPT_DELAY_SEC,
        MRJobConfig.DEFAULT_MR_JOB_REDUCER_PREEMPT_DELAY_SEC, TimeUnit.SECONDS, TimeUnit.MILLISECONDS));
  }

  /** A map got a container: the maps are not starving (yet). */
  void mapPlaced() {
    waitingSince = clock.getAsLong();
  }

  /**
   * Whether to preempt one running reducer now.
   *
   * @param mapsWaiting whether map attempts wait for a container
   * @param runningReducers reducers of the job holding a container
   */
  boolean shouldPreempt(boolean mapsWaiting, int runningReducers) {
    long now = clock.getAsLong();
    if (!mapsWaiting) {
      waitingSince = -1;
      return false;
    }
    if (waitingSince < 0) {
      waitingSince = now;
    }
    if (runningReducers == 0 || now - waitingSince < delayMillis
        || lastPreemption >= 0 && now - lastPreemption < delayMillis) {
      return false;
    }
    lastPreemption = now;
    return true;
  }
}
