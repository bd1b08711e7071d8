package io.corral.hadoop.am;

import io.corral.hadoop.common.CorralMr;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.v2.api.records.Phase;
import org.apache.hadoop.mapreduce.v2.api.records.TaskType;
import org.apache.hadoop.mapreduce.v2.app.job.Job;
import org.apache.hadoop.mapreduce.v2.app.job.Task;
import org.apache.hadoop.mapreduce.v2.app.job.TaskAttempt;

/**
 * Decides when a job's TaskTracker executors are idle long enough to be released before the job
 * ends (the old Hadoop-on-Mesos bridge kept them for the whole job).
 *
 * <p>An executor is idle when its agent runs none of the job's containers and holds no map output
 * that a reducer still has to fetch: the job has no reduces, or every reduce is finished or past
 * its shuffle. After {@link CorralMr#TASKTRACKER_IDLE_TIMEOUT} of idleness it is released; the
 * job then declines that agent's offers until the executor is gone. A reduce attempt that fails
 * after its shuffle fetches again, fails to reach the released executor, and Hadoop re-runs the
 * maps whose output is gone (its fetch-failure path, as after losing a NodeManager).
 *
 * <p>Not thread-safe: owned by the {@link JobFramework}'s loop, which asks {@link #expired} on
 * every tick (at least every {@link #tickMillis}).
 */
final class IdleExecutors {
  /** A release is a framework message (at most once): sent again if the executor is still there. */
  static final long RESEND_MILLIS = 10_000;

  private final long timeoutMillis;
  private final LongSupplier clock;
  private final Map<String, Long> idleSince = new HashMap<>(); // agent id -> since when
  private final Map<String, Long> releasing = new HashMap<>(); // agent id -> when the release was sent
  private final Set<String> mapOutput = new HashSet<>(); // agents where a map of the job ran

  IdleExecutors(long timeoutMillis, LongSupplier clock) {
    this.timeoutMillis = timeoutMillis;
    this.clock = clock;
  }

  /** The timeout from the job's configuration (milliseconds; 0 or less: keep executors to the end). */
  static long timeoutMillis(Configuration conf) {
    return conf.getTimeDuration(CorralMr.TASKTRACKER_IDLE_TIMEOUT, CorralMr.TASKTRACKER_IDLE_TIMEOUT_DEFAULT_SECONDS,
        TimeUnit.SECONDS, TimeUnit.MILLISECONDS);
  }

  /** How often {@link #expired} should be asked: often enough to keep to the timeout. */
  long tickMillis() {
    return timeoutMillis <= 0 ? 1000 : Math.max(100, Math.min(1000, timeoutMillis / 2));
  }

  /** A map container of the job ran on this agent: its output may be there. */
  void mapRanOn(String agentId) {
    mapOutput.add(agentId);
  }

  /** While an agent's executor is being released, the job takes no offer of that agent. */
  boolean isReleasing(String agentId) {
    return releasing.containsKey(agentId);
  }

  /**
   * The agents whose executor is to be released now: idle for the timeout, or released earlier
   * and still there after {@link #RESEND_MILLIS}.
   *
   * @param executors agents where the job has an executor (starting or running)
   * @param busy agents that run (or are about to run) a container of the job
   * @param mapOutputNeeded whether reducers still have map output to fetch ({@link #mapOutputNeeded})
   */
  List<String> expired(Collection<String> executors, Set<String> busy, boolean mapOutputNeeded) {
    long now = clock.getAsLong();
    // An executor that is gone took its map output with it.
    idleSince.keySet().retainAll(executors);
    releasing.keySet().retainAll(executors);
    mapOutput.retainAll(executors);
    List<String> out = new ArrayList<>();
    if (timeoutMillis <= 0) {
      return out;
    }
    for (String agent : executors) {
      Long sent = releasing.get(agent);
      if (sent != null) {
        if (now - sent >= RESEND_MILLIS) {
          releasing.put(agent, now);
          out.add(agent);
        }
        continue;
      }
      boolean idle = !busy.contains(agent) && !(mapOutputNeeded && mapOutput.contains(agent));
      if (!idle) {
        idleSince.remove(agent);
        continue;
      }
      long since = idleSince.computeIfAbsent(agent, a -> now);
      if (now - since >= timeoutMillis) {
        idleSince.remove(agent);
        releasing.put(agent, now);
        out.add(agent);
      }
    }
    return out;
  }

  /** Whether a reducer may still fetch map output: some reduce is neither finished nor past its shuffle. */
  static boolean mapOutputNeeded(Job job) {
    if (job.getTotalReduces() == 0) {
      return false;
    }
    for (Task reduce : job.getTasks(TaskType.REDUCE).values()) {
      if (!reduce.isFinished() && !shuffled(reduce)) {
        return true;
      }
    }
    return false;
  }

  /** Every live attempt of the reduce (and there is one) has all its map output. */
  private static boolean shuffled(Task reduce) {
    boolean live = false;
    for (TaskAttempt a : reduce.getAttempts().values()) {
      if (a.isFinished()) {
        continue;
      }
      live = true;
      Phase p = a.getPhase();
      if (p != Phase.SORT && p != Phase.REDUCE && p != Phase.CLEANUP) {
        return false;
      }
    }
    return live;
  }

}
