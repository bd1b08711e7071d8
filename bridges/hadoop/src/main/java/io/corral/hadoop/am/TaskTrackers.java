package io.corral.hadoop.am;

import io.corral.bridges.common.Fleet;
import io.corral.bridges.common.Fleet.Member;
import io.corral.bridges.common.IdleRelease;
import io.corral.common.loop.EventLoop;
import io.corral.common.resources.Resources;
import io.corral.hadoop.common.AgentJvm;
import io.corral.hadoop.common.CorralMr;
import io.corral.hadoop.tasktracker.TaskTrackerExecutor;
import io.corral.protocol.ExecutorInfo;
import io.corral.scheduler.TaskInfos;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.v2.api.records.Phase;
import org.apache.hadoop.mapreduce.v2.api.records.TaskType;
import org.apache.hadoop.mapreduce.v2.app.job.Job;
import org.apache.hadoop.mapreduce.v2.app.job.Task;
import org.apache.hadoop.mapreduce.v2.app.job.TaskAttempt;

/**
 * The job's TaskTracker executors ({@link TaskTrackerExecutor}, started by the job's first
 * container on an agent: {@link #executorInfo}), one per agent (the agent id is each one's key in
 * a bridges' {@link Fleet}), and when they are released before the job ends (the old
 * Hadoop-on-Mesos bridge kept them for the whole job).
 *
 * <p>An executor is idle when its agent runs none of the job's containers and holds no map output
 * that a reducer still has to fetch: the job has no reduces, or every reduce is finished or past
 * its shuffle. After {@link CorralMr#TASKTRACKER_IDLE_TIMEOUT} of idleness it is released (a
 * timer on the job framework's loop); the job then declines that agent's offers until the
 * executor is gone. A reduce attempt that fails after its shuffle fetches again, fails to reach
 * the released executor, and Hadoop re-runs the maps whose output is gone (its fetch-failure
 * path, as after losing a NodeManager).
 *
 * <p>Not thread-safe: owned by the {@link JobFramework}'s loop, which tells it on every tick (at
 * least every {@link #tickMillis}) which agents are busy ({@link #observe}).
 */
final class TaskTrackers {
  /** The executor id of every TaskTracker (one per agent, so the agent tells them apart). */
  static final String EXECUTOR_ID = "tasktracker";
  /** A release is a framework message (at most once): sent again while the executor is still there. */
  static final Duration RESEND = Duration.ofSeconds(10);

  /** What the job knows of an agent's executor: whether a map of the job ran there (its output may be there). */
  private record Tracker(boolean mapOutput) {}

  private final long timeoutMillis;
  private final Fleet<Tracker> fleet;

  /**
   * @param timeoutMillis the idle timeout (0 or less: executors stay to the job's end)
   * @param loop the job framework's loop
   * @param release sends an agent's executor the order to stop (again on each resend)
   */
  TaskTrackers(long timeoutMillis, EventLoop loop, Consumer<String> release) {
    this.timeoutMillis = timeoutMillis;
    IdleRelease policy = timeoutMillis > 0 ? IdleRelease.after(Duration.ofMillis(timeoutMillis)) : IdleRelease.never();
    this.fleet = new Fleet<>(loop, policy.resentEvery(RESEND), m -> release.accept(m.key()));
  }

  /** The timeout from the job's configuration (milliseconds; 0 or less: keep executors to the end). */
  static long timeoutMillis(Configuration conf) {
    return conf.getTimeDuration(CorralMr.TASKTRACKER_IDLE_TIMEOUT, CorralMr.TASKTRACKER_IDLE_TIMEOUT_DEFAULT_SECONDS,
        TimeUnit.SECONDS, TimeUnit.MILLISECONDS);
  }

  /** How often {@link #observe} should be called: often enough to keep to the timeout. */
  long tickMillis() {
    return timeoutMillis <= 0 ? 1000 : Math.max(100, Math.min(1000, timeoutMillis / 2));
  }

  /** Whether the job has an executor on the agent (starting, running or being released). */
  boolean has(String agentId) {
    return fleet.get(agentId) != null;
  }

  /** Whether the agent's executor was launched and has not run a container yet. */
  boolean isStarting(String agentId) {
    Member<Tracker> m = fleet.get(agentId);
    return m != null && m.phase() == Fleet.Phase.STARTING;
  }

  /** While an agent's executor is being released, the job takes no offer of that agent. */
  boolean isReleasing(String agentId) {
    Member<Tracker> m = fleet.get(agentId);
    return m != null && !m.live();
  }

  /** Agents where the job has an executor. */
  Collection<String> agents() {
    return fleet.members().stream().map(Member::key).toList();
  }

  /** An executor is being launched on the agent, with the job's first containers there. */
  void launching(String agentId) {
    fleet.starting(agentId, agentId, new Tracker(false));
  }

  /** A container runs on the agent: its executor is up (and known again if the job had lost it). */
  void up(String agentId) {
    if (!fleet.running(agentId) && !has(agentId)) {
      fleet.adopt(agentId, agentId, new Tracker(false));
    }
  }

  /** The agent's executor is gone, and with it its map output. */
  void lost(String agentId) {
    fleet.remove(agentId);
  }

  /** A map container of the job ran on this agent: its output may be there. */
  void mapRanOn(String agentId) {
    fleet.update(agentId, t -> new Tracker(true));
  }

  /**
   * A tick: the executors that are idle now start (or keep) counting towards the timeout, the
   * others start afresh.
   *
   * @param busy agents that run (or are about to run) a container of the job
   * @param mapOutputNeeded whether reducers still have map output to fetch ({@link #mapOutputNeeded})
   */
  void observe(Set<String> busy, boolean mapOutputNeeded) {
    for (Member<Tracker> m : fleet.members()) {
      boolean idle = !busy.contains(m.key()) && !(mapOutputNeeded && m.executor().mapOutput());
      if (idle) {
        fleet.idle(m.key());
      } else {
        fleet.busy(m.key());
      }
    }
  }

  /** What a TaskTracker takes on its agent, besides its containers. */
  static Resources executorResources(Configuration conf) {
    return Resources.builder().mem(memoryMb(conf)).build();
  }

  private static int memoryMb(Configuration conf) {
    return conf.getInt(CorralMr.TASKTRACKER_MEMORY_MB, CorralMr.TASKTRACKER_MEMORY_MB_DEFAULT);
  }

  /** The executor a job's first container on an agent starts there: {@link TaskTrackerExecutor} in a JVM of its own. */
  static ExecutorInfo executorInfo(Configuration conf) {
    int mem = memoryMb(conf);
    String command = "exec '" + CorralMr.javaCommand() + "' -Xmx" + (mem * 3 / 4) + "m -XX:+UseSerialGC"
        + " -XX:TieredStopAtLevel=1 -Dlog4j.configuration=container-log4j.properties -Dhadoop.root.logger=INFO,CLA"
        + " -Dyarn.app.container.log.dir=. -Dyarn.app.container.log.filesize=0 -Dhadoop.root.logfile=syslog"
        + " -cp \"" + AgentJvm.classpath(conf) + "\" " + TaskTrackerExecutor.class.getName();
    return ExecutorInfo.newBuilder().setExecutorId(EXECUTOR_ID).setName("Hadoop TaskTracker")
        .setCommand(AgentJvm.withBundle(TaskInfos.shell(command), conf))
        .addAllResources(executorResources(conf).toProto())
        .build();
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
