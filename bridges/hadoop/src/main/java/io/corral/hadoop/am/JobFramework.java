package io.corral.hadoop.am;

import io.corral.bridges.common.Drivers;
import io.corral.bridges.common.FrameworkActor;
import io.corral.bridges.common.OfferDemand;
import io.corral.common.resources.Resources;
import io.corral.common.security.ClientCredentials;
import io.corral.common.task.TaskStates;
import io.corral.hadoop.am.Containers.Batch;
import io.corral.hadoop.am.Containers.Slot;
import io.corral.hadoop.common.ContainerSpec;
import io.corral.hadoop.common.CorralMr;
import io.corral.hadoop.tasktracker.TaskTrackerExecutor;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.SchedulerEvent.PreemptionNotice;
import io.corral.scheduler.LargestAgent;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.v2.api.records.TaskAttemptId;
import org.apache.hadoop.mapreduce.v2.api.records.TaskAttemptState;
import org.apache.hadoop.mapreduce.v2.api.records.TaskType;
import org.apache.hadoop.mapreduce.v2.app.AppContext;
import org.apache.hadoop.mapreduce.v2.app.job.Job;
import org.apache.hadoop.mapreduce.v2.app.job.event.JobDiagnosticsUpdateEvent;
import org.apache.hadoop.mapreduce.v2.app.job.event.JobEvent;
import org.apache.hadoop.mapreduce.v2.app.job.event.JobEventType;
import org.apache.hadoop.mapreduce.v2.app.job.event.JobUpdatedNodesEvent;
import org.apache.hadoop.mapreduce.v2.app.job.event.TaskAttemptContainerAssignedEvent;
import org.apache.hadoop.mapreduce.v2.app.job.event.TaskAttemptContainerLaunchedEvent;
import org.apache.hadoop.mapreduce.v2.app.job.event.TaskAttemptDiagnosticsUpdateEvent;
import org.apache.hadoop.mapreduce.v2.app.job.event.TaskAttemptEvent;
import org.apache.hadoop.mapreduce.v2.app.job.event.TaskAttemptEventType;
import org.apache.hadoop.mapreduce.v2.app.job.event.TaskAttemptKillEvent;
import org.apache.hadoop.mapreduce.v2.app.launcher.ContainerRemoteLaunchEvent;
import org.apache.hadoop.mapreduce.v2.app.rm.preemption.AMPreemptionPolicy;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's Corral framework: turns Hadoop's container requests into Corral offers, and Hadoop's
 * container launches into Corral tasks on a per-agent TaskTracker executor ({@link TaskTrackers}).
 *
 * <p>All state is owned by one thread, a {@link FrameworkActor}'s ("corral-job-framework"): the
 * scheduler callbacks (this {@link Scheduler}) and the ticks run on it; the AM's allocator and
 * launcher events only post work to it.
 */
final class JobFramework implements Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(JobFramework.class);
  private static final int MAP_PRIORITY = 20;
  private static final int REDUCE_PRIORITY = 10;

  /** A container Hadoop asked for and has not got yet. */
  private record Request(TaskAttemptId attempt, Resource capability) {}

  private final AppContext context;
  private final Configuration conf;
  private final String frameworkId;
  private final ApplicationAttemptId attemptId;
  private final FrameworkActor actor;
  private final OfferDemand demand;
  private final Map<TaskAttemptId, Request> pendingMaps = new LinkedHashMap<>();
  private final Map<TaskAttemptId, Request> pendingReduces = new LinkedHashMap<>();
  private final Containers containers = new Containers();
  private final TaskTrackers trackers;
  private final Nodes nodes = new Nodes();
  private final ReducerPreemption preemption;
  private AmPreemption amPreemption;
  private LargestAgent largest = LargestAgent.UNKNOWN;
  private boolean killedForSize;
  private Job job;
  private long containerSeq = 1; // container 1 is the AM's own

  JobFramework(AppContext context, Configuration conf, String frameworkId, ApplicationAttemptId attemptId,
      ClientCredentials credentials) {
    this.context = context;
    this.conf = conf;
    this.frameworkId = frameworkId;
    this.attemptId = attemptId;
    this.actor = FrameworkActor.threaded("corral-job-framework", Drivers.corral(conf.get(CorralMr.MASTER), credentials));
    this.demand = new OfferDemand(actor, 1, 1);
    this.trackers = new TaskTrackers(TaskTrackers.timeoutMillis(conf), actor.loop(), this::releaseIdle);
    this.preemption = new ReducerPreemption(ReducerPreemption.delayMillis(conf), actor.clock()::millis);
  }

  /**
   * Subscribes as the scheduler of the framework the client registered; the master's preemption
   * notices go to the job's {@code policy} ({@link AmPreemption}).
   */
  void start(Job job, Configuration conf, AMPreemptionPolicy policy) {
    actor.execute(() -> {
      this.job = job;
      this.amPreemption = new AmPreemption(policy, containers);
    });
    String role = conf.get(CorralMr.ROLE, conf.get(MRJobConfig.QUEUE_NAME, "default"));
    FrameworkInfo info = FrameworkInfo.newBuilder().setId(frameworkId)
        .setName(conf.get(MRJobConfig.JOB_NAME, "hadoop job")).setRole(role)
        .setUser(conf.get(MRJobConfig.USER_NAME, System.getProperty("user.name")))
        .setFailoverTimeout(conf.getDouble(CorralMr.FAILOVER_TIMEOUT, CorralMr.FAILOVER_TIMEOUT_DEFAULT))
        .putLabels("hadoop.application", attemptId.getApplicationId().toString()).build();
    if (conf.get(CorralMr.MASTER) == null) {
      throw new IllegalArgumentException(CorralMr.MASTER + " is not set");
    }
    actor.subscribe(info, this);
    actor.every(Duration.ofMillis(trackers.tickMillis()), this::tick);
  }

  /** Stops every executor of the job (at its end); the framework stays until {@link #teardown}. */
  void releaseExecutors() {
    actor.execute(() -> {
      SchedulerDriver d = actor.driver();
      if (d == null) {
        return;
      }
      for (String agentId : trackers.agents()) {
        d.sendFrameworkMessage(TaskTrackers.EXECUTOR_ID, agentId, TaskTrackerExecutor.SHUTDOWN);
      }
      demand.suppress();
    });
  }

  /** Ends the framework for good: the master kills what is left of it. */
  void teardown() {
    actor.close();
  }

  // --- from the allocator and the launcher (AM threads) ---

  void request(TaskAttemptId attempt, Resource capability) {
    actor.execute(() -> {
      Request r = new Request(attempt, capability);
      (attempt.getTaskId().getTaskType() == TaskType.MAP ? pendingMaps : pendingReduces).put(attempt, r);
      killIfNoAgentFits(r);
      demand.reviveIfSuppressed();
    });
  }

  void deallocate(TaskAttemptId attempt) {
    actor.execute(() -> {
      if (pendingMaps.remove(attempt) != null || pendingReduces.remove(attempt) != null) {
        return;
      }
      Slot s = containers.of(attempt);
      if (s != null && s.state == Containers.State.RUNNING) {
        actor.driver().killTask(s.id.toString());
      }
    });
  }

  void launch(ContainerRemoteLaunchEvent event) {
    actor.execute(() -> {
      String cid = event.getAllocatedContainer().getId().toString();
      Slot s = containers.get(cid);
      Batch b = s == null ? null : containers.waitingIn(s);
      if (b == null) {
        launchFailed(event.getTaskAttemptID(), "container " + cid + " is no longer available");
        return;
      }
      ContainerSpec spec = new ContainerSpec(cid, conf.get(MRJobConfig.USER_NAME), event.getContainerLaunchContext());
      containers.ready(b, s, TaskInfos.forExecutor(cid, b.offer, s.resources, TaskTrackers.executorInfo(conf),
          spec.toBytes()).toBuilder().setName(event.getTaskAttemptID().toString()).build());
      flushIfComplete(b);
    });
  }

  /** The attempt's container failed (the allocator's {@code CONTAINER_FAILED}). */
  void containerFailed(TaskAttemptId attempt) {
    actor.execute(() -> amPreemption.failed(attempt));
  }

  void cleanup(TaskAttemptId attempt, ContainerId container) {
    actor.execute(() -> {
      Slot s = containers.get(container.toString());
      if (s != null) {
        Batch b = containers.withdraw(s);
        if (b != null) {
          flushIfComplete(b);
        } else {
          actor.driver().killTask(s.id.toString());
        }
      }
      context.getEventHandler().handle(new TaskAttemptEvent(attempt, TaskAttemptEventType.TA_CONTAINER_CLEANED));
    });
  }

  // --- Scheduler callbacks (on the actor's loop) ---

  @Override
  public void registered(SchedulerDriver d, String id, MasterInfo masterInfo) {
    LOG.info("subscribed as framework {}", id);
  }

  @Override
  public void largestAgent(SchedulerDriver d, LargestAgent largestAgent) {
    largest = largestAgent;
    List.copyOf(pendingMaps.values()).forEach(this::killIfNoAgentFits);
    List.copyOf(pendingReduces.values()).forEach(this::killIfNoAgentFits);
  }

  @Override
  public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
    offers.forEach(this::offer);
  }

  @Override
  public void statusUpdate(SchedulerDriver d, TaskStatus status) {
    update(status);
  }

  @Override
  public void preemptionNotice(SchedulerDriver d, PreemptionNotice notice) {
    amPreemption.notice(notice);
  }

  @Override
  public void executorLost(SchedulerDriver d, String executorId, String agentId, int status) {
    nodeLost(agentId, "TaskTracker executor on agent " + agentId + " exited with status " + status);
  }

  @Override
  public void agentLost(SchedulerDriver d, String agentId) {
    String why = "agent " + agentId + " was lost";
    nodeLost(agentId, why);
    for (Slot s : containers.all()) {
      if (s.agentId.equals(agentId) && s.state != Containers.State.ASSIGNED) {
        containers.forget(s);
        killed(s, "Container " + s.id + " lost: " + why);
      }
    }
  }

  @Override
  public void error(SchedulerDriver d, String message) {
    LOG.error("framework error: {}", message);
  }

  // --- on the loop ---

  private void offer(Offer offer) {
    boolean reducesAllowed = reducesAllowed();
    if (trackers.isReleasing(offer.getAgentId())
        || pendingMaps.isEmpty() && (pendingReduces.isEmpty() || !reducesAllowed)) {
      demand.decline(offer.getId(), true);
      return;
    }
    Resources left = Resources.fromProto(offer.getResourcesList());
    boolean newExecutor = !trackers.has(offer.getAgentId());
    if (newExecutor) {
      Resources ex = TaskTrackers.executorResources(conf);
      if (!left.contains(ex)) {
        demand.decline(offer.getId(), true);
        return;
      }
      left = left.minus(ex);
    }
    Batch batch = new Batch(offer);
    int waitingMaps = pendingMaps.size();
    left = place(batch, left, pendingMaps, MAP_PRIORITY);
    if (pendingMaps.size() < waitingMaps) {
      preemption.mapPlaced();
    }
    // Reducers only take what no waiting map can use, so they never starve the maps.
    if (reducesAllowed && pendingMaps.isEmpty()) {
      place(batch, left, pendingReduces, REDUCE_PRIORITY);
    }
    if (batch.waiting.isEmpty()) {
      demand.decline(offer.getId(), true);
      return;
    }
    if (newExecutor) {
      trackers.launching(offer.getAgentId());
    }
    containers.keep(batch);
    if (pendingMaps.isEmpty() && pendingReduces.isEmpty()) {
      demand.suppress();
    }
  }

  private Resources place(Batch batch, Resources left, Map<TaskAttemptId, Request> queue, int priority) {
    Offer offer = batch.offer;
    Iterator<Request> it = queue.values().iterator();
    while (it.hasNext()) {
      Request r = it.next();
      Resources need = ContainerLimit.of(r.capability());
      if (!left.contains(need)) {
        break;
      }
      left = left.minus(need);
      it.remove();
      ContainerId id = ContainerId.newContainerId(attemptId, ++containerSeq);
      Container container = Container.newInstance(id, nodes.of(offer.getAgentId(), offer.getHostname()),
          offer.getHostname() + ":0", r.capability(), Priority.newInstance(priority), null);
      containers.assign(batch, r.attempt(), container, need);
      context.getEventHandler().handle(new TaskAttemptContainerAssignedEvent(r.attempt(), container, Map.of()));
    }
    return left;
  }

  /** As YARN's allocator: a request no agent could ever hold kills the job, with the reason in its diagnostics. */
  private void killIfNoAgentFits(Request r) {
    String why = killedForSize || job == null ? null : ContainerLimit.beyondLargestAgent(
        r.attempt().getTaskId().getTaskType(), r.capability(), TaskTrackers.executorResources(conf), largest);
    if (why == null) {
      return;
    }
    killedForSize = true;
    LOG.error(why);
    context.getEventHandler().handle(new JobDiagnosticsUpdateEvent(job.getID(), why));
    context.getEventHandler().handle(new JobEvent(job.getID(), JobEventType.JOB_KILL));
  }

  private boolean reducesAllowed() {
    if (job == null) {
      return false;
    }
    int total = job.getTotalMaps();
    float slowStart = conf.getFloat(MRJobConfig.COMPLETED_MAPS_FOR_REDUCE_SLOWSTART, 0.05f);
    return total == 0 || job.getCompletedMaps() >= Math.ceil(slowStart * total);
  }

  /** Launches a batch once no container of it waits for its launch context. */
  private void flushIfComplete(Batch b) {
    if (!containers.complete(b)) {
      return;
    }
    if (b.ready.isEmpty()) {
      actor.driver().declineOffer(b.offer.getId(), OfferDemand.refuse(0));
    } else {
      actor.driver().launchTasks(List.of(b.offer.getId()), b.ready, OfferDemand.refuse(0));
    }
  }

  private void update(TaskStatus status) {
    Slot s = containers.get(status.getTaskId());
    if (s == null) {
      return; // the AM's own task, or a container already done
    }
    if (status.getState() == TaskState.TASK_RUNNING && s.state != Containers.State.RUNNING) {
      s.state = Containers.State.RUNNING;
      int port = Integer.parseInt(status.getData().toString(StandardCharsets.UTF_8));
      trackers.up(s.agentId);
      context.getEventHandler().handle(new TaskAttemptContainerLaunchedEvent(s.attempt, port));
      return;
    }
    if (!TaskStates.isTerminal(status.getState()) && status.getState() != TaskState.TASK_UNREACHABLE) {
      return;
    }
    containers.forget(s);
    amPreemption.ended(s.attempt);
    boolean ran = s.state == Containers.State.RUNNING;
    if (ran && s.isMap()) {
      trackers.mapRanOn(s.agentId);
    }
    String why = "Container " + s.id + " " + status.getState() + (status.getMessage().isEmpty() ? ""
        : ": " + status.getMessage());
    ContainerEnd end = ContainerEnd.of(status, ran);
    if (end == ContainerEnd.PREEMPTED && succeeded(s.attempt)) {
      end = ContainerEnd.COMPLETED; // it outlived its attempt; the map output is the executor's, not lost
    }
    if (!ran && end != ContainerEnd.LOST && trackers.isStarting(s.agentId)) {
      nodeLost(s.agentId, why); // its executor never came up: start it again next time
    }
    switch (end) {
      case LOST -> {
        nodeLost(s.agentId, why);
        killed(s, why);
      }
      case PREEMPTED -> {
        // As RMContainerAllocator for ContainerExitStatus.PREEMPTED: killed, not failed.
        LOG.info("{} of {} preempted: {}", s.id, s.attempt, why);
        context.getEventHandler().handle(new TaskAttemptDiagnosticsUpdateEvent(s.attempt, why));
        context.getEventHandler().handle(new TaskAttemptEvent(s.attempt, TaskAttemptEventType.TA_KILL));
      }
      case COMPLETED -> {
        if (status.getState() != TaskState.TASK_FINISHED) {
          // The executor's message is the NodeManager's container diagnostics (exit code, stderr).
          String diagnostics = status.getMessage().isEmpty() ? why : status.getMessage();
          context.getEventHandler().handle(new TaskAttemptDiagnosticsUpdateEvent(s.attempt, diagnostics));
        }
        context.getEventHandler().handle(new TaskAttemptEvent(s.attempt, TaskAttemptEventType.TA_CONTAINER_COMPLETED));
      }
      case DROPPED -> killed(s, why); // never launched (a stale offer): not the attempt's failure
      case LAUNCH_FAILED -> launchFailed(s.attempt, why);
    }
  }

  private boolean succeeded(TaskAttemptId attempt) {
    var task = job.getTask(attempt.getTaskId());
    var a = task == null ? null : task.getAttempt(attempt);
    return a != null && a.getState() == TaskAttemptState.SUCCEEDED;
  }

  /**
   * As RMContainerAllocator does for a container that ended with its node: kill the attempt
   * (not a failure; a map attempt is rescheduled at once).
   */
  private void killed(Slot s, String why) {
    LOG.warn("{} of {}: {}", s.id, s.attempt, why);
    context.getEventHandler().handle(new TaskAttemptKillEvent(s.attempt, why, s.isMap()));
  }

  /**
   * The agent's executor is gone and with it the map output its ShuffleHandler served: tell the
   * job the node is LOST, as the RM's updated nodes would, and JobImpl re-runs the maps that
   * succeeded there (if reducers still need them). Later containers there get a new node.
   */
  private void nodeLost(String agentId, String why) {
    trackers.lost(agentId);
    NodeId node = nodes.lose(agentId);
    if (node != null && job != null) {
      LOG.warn("node {} (agent {}) is lost: {}", node, agentId, why);
      context.getEventHandler().handle(new JobUpdatedNodesEvent(job.getID(), List.of(Nodes.lost(node, why))));
    }
  }

  private void launchFailed(TaskAttemptId attempt, String why) {
    LOG.warn("launch of {} failed: {}", attempt, why);
    context.getEventHandler().handle(new TaskAttemptDiagnosticsUpdateEvent(attempt, why));
    context.getEventHandler().handle(new TaskAttemptEvent(attempt, TaskAttemptEventType.TA_CONTAINER_LAUNCH_FAILED));
  }

  private void tick() {
    if (job == null || actor.driver() == null) {
      return;
    }
    trackers.observe(containers.busyAgents(), TaskTrackers.mapOutputNeeded(job));
    preemptReducerIfMapsStarve();
  }

  /** An idle TaskTracker's time is up (see {@link TaskTrackers}): told to stop, again until it is gone. */
  private void releaseIdle(String agentId) {
    LOG.info("releasing the idle TaskTracker executor on agent {}", agentId);
    actor.driver().sendFrameworkMessage(TaskTrackers.EXECUTOR_ID, agentId, TaskTrackerExecutor.SHUTDOWN);
  }

  /**
   * Kills the running reducer with the least progress when maps have starved for a container
   * (see {@link ReducerPreemption}); Hadoop runs the reduce again later, and the killed attempt
   * is not a failure.
   */
  private void preemptReducerIfMapsStarve() {
    List<Slot> reducers = containers.all().stream().filter(s -> s.state != Containers.State.ASSIGNED
        && !s.isMap() && !s.preempted).toList();
    if (!preemption.shouldPreempt(!pendingMaps.isEmpty(), reducers.size())) {
      return;
    }
    Slot victim = reducers.stream().min(Comparator.comparingDouble(s -> progress(s.attempt))).orElseThrow();
    LOG.info("{} map attempts have waited for a container too long: preempting reducer {} on agent {}",
        pendingMaps.size(), victim.attempt, victim.agentId);
    victim.preempted = true;
    context.getEventHandler().handle(new TaskAttemptKillEvent(victim.attempt, ReducerPreemption.DIAGNOSTIC, true));
  }

  private float progress(TaskAttemptId attempt) {
    var task = job.getTask(attempt.getTaskId());
    var a = task == null ? null : task.getAttempt(attempt);
    return a == null ? 0f : a.getProgress();
  }
}
