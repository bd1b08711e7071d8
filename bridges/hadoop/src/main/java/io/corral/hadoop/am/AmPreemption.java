package io.corral.hadoop.am;

import io.corral.hadoop.am.Containers.Slot;
import io.corral.protocol.SchedulerEvent.PreemptionNotice;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.v2.api.records.TaskAttemptId;
import org.apache.hadoop.mapreduce.v2.api.records.TaskType;
import org.apache.hadoop.mapreduce.v2.app.rm.preemption.AMPreemptionPolicy;
import org.apache.hadoop.mapreduce.v2.app.rm.preemption.KillAMPreemptionPolicy;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.PreemptionContainer;
import org.apache.hadoop.yarn.api.records.PreemptionMessage;
import org.apache.hadoop.yarn.api.records.StrictPreemptionContract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the master's preemption notices as a MapReduce AM answers a ResourceManager's: a notice
 * becomes a {@link PreemptionMessage} whose strict contract names the containers of the tasks it
 * names, and the job's {@link AMPreemptionPolicy} ({@code yarn.app.mapreduce.am.preemption.policy})
 * decides. The bridge's default, {@link KillAMPreemptionPolicy}, kills those attempts at once
 * ({@code TA_KILL}: they end KILLED and run again), so their resources are free before the deadline.
 *
 * <p>Not thread-safe: used on the {@link JobFramework}'s loop, over its {@link Containers}.
 */
final class AmPreemption {
  private static final Logger LOG = LoggerFactory.getLogger(AmPreemption.class);

  private final AMPreemptionPolicy policy;
  private final Containers containers;
  private final AMPreemptionPolicy.Context context;

  AmPreemption(AMPreemptionPolicy policy, Containers containers) {
    this.policy = policy;
    this.containers = containers;
    this.context = context(containers);
  }

  /**
   * What the bridge runs unless the job names a policy: YARN's own default ({@code
   * NoopAMPreemptionPolicy}) would leave every named task to be killed at the deadline.
   */
  static void defaultPolicy(Configuration conf) {
    if (conf.get(MRJobConfig.MR_AM_PREEMPTION_POLICY) == null) {
      conf.setClass(MRJobConfig.MR_AM_PREEMPTION_POLICY, KillAMPreemptionPolicy.class, AMPreemptionPolicy.class);
    }
  }

  /** Hands the policy the job's containers the notice names (each once: a notice is sent again after a failover). */
  void notice(PreemptionNotice notice) {
    List<Slot> named = named(notice, containers);
    if (named.isEmpty()) {
      LOG.info("preemption notice for role {} names none of the job's containers: {}", notice.getRole(),
          notice.getMessage());
      return;
    }
    named.forEach(s -> s.noticed = true);
    LOG.info("preemption notice for role {}: {} container(s) ({}), handed to {}: {}", notice.getRole(), named.size(),
        named.stream().map(s -> s.attempt.toString()).toList(), policy.getClass().getSimpleName(), notice.getMessage());
    policy.preempt(context, message(named));
  }

  /** A container of the attempt ended (what RMContainerAllocator tells the policy of every completed container). */
  void ended(TaskAttemptId attempt) {
    policy.handleCompletedContainer(attempt);
  }

  /** A container of the attempt failed to launch or run (RMContainerAllocator's {@code CONTAINER_FAILED}). */
  void failed(TaskAttemptId attempt) {
    policy.handleFailedContainer(attempt);
  }

  /**
   * The job's launched containers the notice names that no earlier notice named. The AM's own task
   * (the framework's scheduler task) is no container: the master names it only when no container
   * is left, and then it is killed at the deadline.
   */
  static List<Slot> named(PreemptionNotice notice, Containers containers) {
    Set<Slot> named = new LinkedHashSet<>();
    for (PreemptionNotice.Task t : notice.getTasksList()) {
      Slot s = containers.get(t.getTaskId());
      if (s != null && s.state != Containers.State.ASSIGNED && !s.noticed) {
        named.add(s);
      }
    }
    return List.copyOf(named);
  }

  /** A strict contract (the master does not negotiate) naming the containers. */
  static PreemptionMessage message(List<Slot> named) {
    Set<PreemptionContainer> strict = new LinkedHashSet<>();
    named.forEach(s -> strict.add(PreemptionContainer.newInstance(s.id)));
    return PreemptionMessage.newInstance(StrictPreemptionContract.newInstance(strict), null);
  }

  /** What the policy may ask of the job's containers. */
  static AMPreemptionPolicy.Context context(Containers containers) {
    return new AMPreemptionPolicy.Context() {
      @Override
      public TaskAttemptId getTaskAttempt(ContainerId container) {
        Slot s = containers.get(container.toString());
        return s == null ? null : s.attempt;
      }

      @Override
      public List<Container> getContainers(TaskType type) {
        // a list of its own: CheckpointAMPreemptionPolicy sorts it
        return new ArrayList<>(containers.launched(type).stream().map(s -> s.container).toList());
      }
    };
  }
}
