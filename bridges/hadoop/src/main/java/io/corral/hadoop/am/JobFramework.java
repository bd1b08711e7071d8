package io.corral.hadoop.am;

import io.corral.common.resources.Resources;
import io.corral.common.security.ClientCredentials;
import io.corral.common.task.TaskStates;
import io.corral.hadoop.common.AgentJvm;
import io.corral.hadoop.common.ContainerSpec;
import io.corral.hadoop.common.CorralMr;
import io.corral.hadoop.tasktracker.TaskTrackerExecutor;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.LargestAgent;
import io.corral.protocol.MasterInfo;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.v2.api.records.TaskAttemptId;
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
 * container launches into Corral tasks on a per-agent TaskTracker executor.
 *
 * <p>All state is owned by one thread ({@link #loop}); the scheduler callbacks and the AM's
 * allocator and launcher events only post work to it.
 */
final class JobFramework implements Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(JobFramework.class);
  static final String EXECUTOR_ID = "tasktracker";
  private static final int MAP_PRIORITY = 20;
  private static final int REDUCE_PRIORITY = 10;

  private enum SlotState { ASSIGNED, LAUNCHING, RUNNING }

  /** A container Hadoop asked for and has not got yet. */
  private record Request(TaskAttemptId attempt, Resource capability) {}

  /** A container given to an attempt: a Corral task whose id is the container id. */
  private static final class Slot {
    final TaskAttemptId attempt;
    final ContainerId id;
    final String agentId;
    final Resources resources;
    final String offerId;
    SlotState state = SlotState.ASSIGNED;

    Slot(TaskAttemptId attempt, ContainerId id, String agentId, Resources resources, String offerId) {
      this.attempt = attempt;
      this.id = id;
      this.agentId = agentId;
      this.resources = resources;
      this.offerId = offerId;
    }
  }

  /** An offer whose containers were assigned; launched once Hadoop has sent each one's launch context. */
  private static final class Batch {
    final Offer offer;
    final Set<String> waiting = new HashSet<>();
    final List<TaskInfo> ready = new ArrayList<>();

    Batch(Offer offer) {
      this.offer = offer;
    }
  }

  private final AppContext context;
  private final Configuration conf;
  private final ClientCredentials credentials;
  private final String frameworkId;
  private final ApplicationAttemptId attemptId;
  private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "corral-job-framework");
    t.setDaemon(true);
    return t;
  });
  private final Map<TaskAttemptId, Request> pendingMaps = new LinkedHashMap<>();
  private final Map<TaskAttemptId, Request> pendingReduces = new LinkedHashMap<>();
  private final Map<String, Slot> slots = new HashMap<>(); // by container id = Corral task id
  private final Map<TaskAttemptId, Slot> slotsByAttempt = new HashMap<>();
  private final Map<String, Batch> batches = new HashMap<>(); // by offer id
  private final Map<String, Integer> executors = new HashMap<>(); // agent id -> shuffle port (-1: starting)
  private final Nodes nodes = new Nodes();
  private LargestAgent largest = LargestAgent.UNKNOWN;
  private boolean killedForSize;
  private volatile CorralSchedulerDriver driver;
  private Job job;
  private long containerSeq = 1; // container 1 is the AM's own
  private boolean suppressed;
  private volatile long lastOffersMillis = System.currentTimeMillis();
  private final IdleExecutors idle;
  private final ReducerPreemption preemption;
  private final Set<TaskAttemptId> preempted = new HashSet<>(); // killed for maps, container not yet gone
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "corral-job-ticker");
    t.setDaemon(true);
    return t;
  });

  JobFramework(AppContext context, Configuration conf, String frameworkId, ApplicationAttemptId attemptId,
      ClientCredentials credentials) {
    this.context = context;
    this.credentials = credentials;
    this.conf = conf;
    this.frameworkId = frameworkId;
    this.attemptId = attemptId;
    this.idle = new IdleExecutors(IdleExecutors.timeoutMillis(conf), System::currentTimeMillis);
    this.preemption = new ReducerPreemption(ReducerPreemption.delayMillis(conf), System::currentTimeMillis);
  }

  /** Subscribes as the scheduler of the framework the client registered. */
  void start(Job job, Configuration conf) {
    loop.execute(() -> this.job = job);
    String role = conf.get(CorralMr.ROLE, conf.get(MRJobConfig.QUEUE_NAME, "default"));
    FrameworkInfo info = FrameworkInfo.newBuilder().setId(frameworkId)
        .setName(conf.get(MRJobConfig.JOB_NAME, "hadoop job")).setRole(role)
        .setUser(conf.get(MRJobConfig.USER_NAME, System.getProperty("user.name")))
        .setFailoverTimeout(conf.getDouble(CorralMr.FAILOVER_TIMEOUT, CorralMr.FAILOVER_TIMEOUT_DEFAULT))
        .putLabels("hadoop.application", attemptId.getApplicationId().toString()).build();
    String master = conf.get(CorralMr.MASTER);
    if (master == null) {
      throw new IllegalArgumentException(CorralMr.MASTER + " is not set");
    }
    driver = new CorralSchedulerDriver(this, info, master, true, credentials);
    driver.start();
    long tick = idle.tickMillis();
    ticker.scheduleWithFixedDelay(() -> loop.execute(this::tick), tick, tick, TimeUnit.MILLISECONDS);
  }

  long lastHeartbeatMillis() {
    return lastOffersMillis;
  }

  /** Stops every executor of the job (idle release); the framework stays until {@link #teardown}. */
  void releaseExecutors() {
    loop.execute(() -> {
      SchedulerDriver d = driver;
      if (d == null) {
        return;
      }
      for (String agentId : executors.keySet()) {
        d.sendFrameworkMessage(EXECUTOR_ID, agentId, TaskTrackerExecutor.SHUTDOWN);
      }
      d.suppressOffers();
    });
  }

  /** Ends the framework for good: the master kills what is left of it. */
  void teardown() {
    ticker.shutdownNow();
    CorralSchedulerDriver d = driver;
    if (d != null) {
      d.stop();
      d.join();
    }
    loop.shutdown();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // --- from the allocator and the launcher (AM threads) ---

  void request(TaskAttemptId attempt, Resource capability) {
    loop.execute(() -> {
      Request r = new Request(attempt, capability);
      (attempt.getTaskId().getTaskType() == TaskType.MAP ? pendingMaps : pendingReduces).put(attempt, r);
      killIfNoAgentFits(r);
      if (suppressed) {
        suppressed = false;
        driver.reviveOffers();
      }
    });
  }

  void deallocate(TaskAttemptId attempt) {
    loop.execute(() -> {
      if (pendingMaps.remove(attempt) != null || pendingReduces.remove(attempt) != null) {
        return;
      }
      Slot s = slotsByAttempt.get(attempt);
      if (s != null && s.state == SlotState.RUNNING) {
        driver.killTask(s.id.toString());
      }
    });
  }

  void launch(ContainerRemoteLaunchEvent event) {
    loop.execute(() -> {
      String cid = event.getAllocatedContainer().getId().toString();
      Slot s = slots.get(cid);
      Batch b = s == null ? null : batches.get(s.offerId);
      if (b == null || !b.waiting.remove(cid)) {
        launchFailed(event.getTaskAttemptID(), "container " + cid + " is no longer available");
        return;
      }
      ContainerSpec spec = new ContainerSpec(cid, conf.get(MRJobConfig.USER_NAME), event.getContainerLaunchContext());
      b.ready.add(TaskInfos.forExecutor(cid, b.offer, s.resources, executorInfo(), spec.toBytes()).toBuilder()
          .setName(event.getTaskAttemptID().toString()).build());
      s.state = SlotState.LAUNCHING;
      flushIfComplete(b);
    });
  }

  void cleanup(TaskAttemptId attempt, ContainerId container) {
    loop.execute(() -> {
      Slot s = slots.get(container.toString());
      if (s != null) {
        Batch b = batches.get(s.offerId);
        if (s.state == SlotState.ASSIGNED && b != null && b.waiting.remove(s.id.toString())) {
          forget(s);
          flushIfComplete(b);
        } else {
          driver.killTask(s.id.toString());
        }
      }
      context.getEventHandler().handle(new TaskAttemptEvent(attempt, TaskAttemptEventType.TA_CONTAINER_CLEANED));
    });
  }

  // --- Scheduler callbacks (driver thread) ---

  @Override
  public void registered(SchedulerDriver d, String id, MasterInfo masterInfo) {
    LOG.info("subscribed as framework {}", id);
  }

  @Override
  public void largestAgent(SchedulerDriver d, LargestAgent largestAgent) {
    loop.execute(() -> {
      largest = largestAgent;
      List.copyOf(pendingMaps.values()).forEach(this::killIfNoAgentFits);
      List.copyOf(pendingReduces.values()).forEach(this::killIfNoAgentFits);
    });
  }

  @Override
  public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
    lastOffersMillis = System.currentTimeMillis();
    loop.execute(() -> offers.forEach(this::offer));
  }

  @Override
  public void offerRescinded(SchedulerDriver d, String offerId) {
    // A launch on it fails with TASK_DROPPED updates; nothing to do here.
  }

  @Override
  public void statusUpdate(SchedulerDriver d, TaskStatus status) {
    loop.execute(() -> update(status));
  }

  @Override
  public void executorLost(SchedulerDriver d, String executorId, String agentId, int status) {
    loop.execute(() -> nodeLost(agentId, "TaskTracker executor on agent " + agentId + " exited with status "
        + status));
  }

  @Override
  public void agentLost(SchedulerDriver d, String agentId) {
    loop.execute(() -> {
      String why = "agent " + agentId + " was lost";
      nodeLost(agentId, why);
      for (Slot s : List.copyOf(slots.values())) {
        if (s.agentId.equals(agentId) && s.state != SlotState.ASSIGNED) {
          forget(s);
          killed(s, "Container " + s.id + " lost: " + why);
        }
      }
    });
  }

  @Override
  public void error(SchedulerDriver d, String message) {
    LOG.error("framework error: {}", message);
  }

  // --- on the loop ---

  private void offer(Offer offer) {
    boolean reducesAllowed = reducesAllowed();
    if (idle.isReleasing(offer.getAgentId())
        || pendingMaps.isEmpty() && (pendingReduces.isEmpty() || !reducesAllowed)) {
      decline(offer);
      return;
    }
    Resources left = Resources.fromProto(offer.getResourcesList());
    boolean newExecutor = !executors.containsKey(offer.getAgentId());
    if (newExecutor) {
      Resources ex = executorResources();
      if (!left.contains(ex)) {
        decline(offer);
        return;
      }
      left = left.minus(ex);
    }
    Batch batch = new Batch(offer);
    int waitingMaps = pendingMaps.size();
    left = place(offer, left, pendingMaps, batch, MAP_PRIORITY);
    if (pendingMaps.size() < waitingMaps) {
      preemption.mapPlaced();
    }
    // Reducers only take what no waiting map can use, so they never starve the maps.
    if (reducesAllowed && pendingMaps.isEmpty()) {
      place(offer, left, pendingReduces, batch, REDUCE_PRIORITY);
    }
    if (batch.waiting.isEmpty()) {
      decline(offer);
      return;
    }
    if (newExecutor) {
      executors.put(offer.getAgentId(), -1);
    }
    batches.put(offer.getId(), batch);
    if (pendingMaps.isEmpty() && pendingReduces.isEmpty()) {
      suppressed = true;
      driver.suppressOffers();
    }
  }

  private Resources place(Offer offer, Resources left, Map<TaskAttemptId, Request> queue, Batch batch,
      int priority) {
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
      Slot s = new Slot(r.attempt(), id, offer.getAgentId(), need, offer.getId());
      slots.put(id.toString(), s);
      slotsByAttempt.put(r.attempt(), s);
      batch.waiting.add(id.toString());
      Container container = Container.newInstance(id, nodes.of(offer.getAgentId(), offer.getHostname()),
          offer.getHostname() + ":0", r.capability(), Priority.newInstance(priority), null);
      context.getEventHandler().handle(new TaskAttemptContainerAssignedEvent(r.attempt(), container, Map.of()));
    }
    return left;
  }

  /** As YARN's allocator: a request no agent could ever hold kills the job, with the reason in its diagnostics. */
  private void killIfNoAgentFits(Request r) {
    String why = killedForSize || job == null ? null : ContainerLimit.beyondLargestAgent(
        r.attempt().getTaskId().getTaskType(), r.capability(), executorResources(), largest);
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

  private void decline(Offer offer) {
    driver.declineOffer(offer.getId(), Filters.newBuilder().setRefuseSeconds(1).build());
  }

  private void flushIfComplete(Batch b) {
    if (!b.waiting.isEmpty()) {
      return;
    }
    batches.remove(b.offer.getId());
    if (b.ready.isEmpty()) {
      driver.declineOffer(b.offer.getId(), Filters.newBuilder().setRefuseSeconds(0).build());
    } else {
      driver.launchTasks(List.of(b.offer.getId()), b.ready, Filters.newBuilder().setRefuseSeconds(0).build());
    }
  }

  private void update(TaskStatus status) {
    Slot s = slots.get(status.getTaskId());
    if (s == null) {
      return; // the AM's own task, or a container already done
    }
    if (status.getState() == TaskState.TASK_RUNNING && s.state != SlotState.RUNNING) {
      s.state = SlotState.RUNNING;
      int port = Integer.parseInt(status.getData().toString(StandardCharsets.UTF_8));
      executors.put(s.agentId, port);
      context.getEventHandler().handle(new TaskAttemptContainerLaunchedEvent(s.attempt, port));
      return;
    }
    if (!TaskStates.isTerminal(status.getState()) && status.getState() != TaskState.TASK_UNREACHABLE) {
      return;
    }
    forget(s);
    if (s.state == SlotState.RUNNING && s.attempt.getTaskId().getTaskType() == TaskType.MAP) {
      idle.mapRanOn(s.agentId);
    }
    String why = "Container " + s.id + " " + status.getState() + (status.getMessage().isEmpty() ? ""
        : ": " + status.getMessage());
    if (lostWithItsExecutor(status)) {
      nodeLost(s.agentId, why);
      killed(s, why);
      return;
    }
    if (s.state == SlotState.RUNNING) {
      if (status.getState() != TaskState.TASK_FINISHED) {
        // The executor's message is the NodeManager's container diagnostics (exit code, stderr).
        String diagnostics = status.getMessage().isEmpty() ? why : status.getMessage();
        context.getEventHandler().handle(new TaskAttemptDiagnosticsUpdateEvent(s.attempt, diagnostics));
      }
      context.getEventHandler().handle(new TaskAttemptEvent(s.attempt, TaskAttemptEventType.TA_CONTAINER_COMPLETED));
      return;
    }
    if (executors.getOrDefault(s.agentId, 0) < 0) {
      nodeLost(s.agentId, why); // its executor never came up: start it again next time
    }
    if (status.getState() == TaskState.TASK_DROPPED) {
      killed(s, why); // never launched (a stale offer): not the attempt's failure
    } else {
      launchFailed(s.attempt, why);
    }
  }

  /** The container died with its agent or executor, not of its own doing (YARN's ABORTED exit). */
  private static boolean lostWithItsExecutor(TaskStatus status) {
    return switch (status.getState()) {
      case TASK_LOST, TASK_UNREACHABLE, TASK_GONE, TASK_GONE_BY_OPERATOR -> true;
      default -> status.getReason() == TaskStatusReason.REASON_EXECUTOR_TERMINATED
          || status.getReason() == TaskStatusReason.REASON_AGENT_REMOVED;
    };
  }

  /**
   * As RMContainerAllocator does for a container that ended with its node: kill the attempt
   * (not a failure; a map attempt is rescheduled at once).
   */
  private void killed(Slot s, String why) {
    LOG.warn("{} of {}: {}", s.id, s.attempt, why);
    context.getEventHandler().handle(new TaskAttemptKillEvent(s.attempt, why,
        s.attempt.getTaskId().getTaskType() == TaskType.MAP));
  }

  /**
   * The agent's executor is gone and with it the map output its ShuffleHandler served: tell the
   * job the node is LOST, as the RM's updated nodes would, and JobImpl re-runs the maps that
   * succeeded there (if reducers still need them). Later containers there get a new node.
   */
  private void nodeLost(String agentId, String why) {
    executors.remove(agentId);
    NodeId node = nodes.lose(agentId);
    if (node != null && job != null) {
      LOG.warn("node {} (agent {}) is lost: {}", node, agentId, why);
      context.getEventHandler().handle(new JobUpdatedNodesEvent(job.getID(), List.of(Nodes.lost(node, why))));
    }
  }

  private void forget(Slot s) {
    slots.remove(s.id.toString());
    slotsByAttempt.remove(s.attempt, s);
    preempted.remove(s.attempt);
  }

  private void launchFailed(TaskAttemptId attempt, String why) {
    LOG.warn("launch of {} failed: {}", attempt, why);
    context.getEventHandler().handle(new TaskAttemptDiagnosticsUpdateEvent(attempt, why));
    context.getEventHandler().handle(new TaskAttemptEvent(attempt, TaskAttemptEventType.TA_CONTAINER_LAUNCH_FAILED));
  }

  private void tick() {
    if (job == null || driver == null) {
      return;
    }
    releaseIdleExecutors();
    preemptReducerIfMapsStarve();
  }

  /**
   * Kills the running reducer with the least progress when maps have starved for a container
   * (see {@link ReducerPreemption}); Hadoop runs the reduce again later, and the killed attempt
   * is not a failure.
   */
  private void preemptReducerIfMapsStarve() {
    List<Slot> reducers = slots.values().stream().filter(s -> s.state != SlotState.ASSIGNED
        && s.attempt.getTaskId().getTaskType() == TaskType.REDUCE && !preempted.contains(s.attempt)).toList();
    if (!preemption.shouldPreempt(!pendingMaps.isEmpty(), reducers.size())) {
      return;
    }
    Slot victim = reducers.stream().min(java.util.Comparator.comparingDouble(s -> progress(s.attempt)))
        .orElseThrow();
    LOG.info("{} map attempts have waited for a container too long: preempting reducer {} on agent {}",
        pendingMaps.size(), victim.attempt, victim.agentId);
    preempted.add(victim.attempt);
    context.getEventHandler().handle(new TaskAttemptKillEvent(victim.attempt, ReducerPreemption.DIAGNOSTIC, true));
  }

  private float progress(TaskAttemptId attempt) {
    var task = job.getTask(attempt.getTaskId());
    var a = task == null ? null : task.getAttempt(attempt);
    return a == null ? 0f : a.getProgress();
  }

  /** Releases the executors that have been idle for the timeout (see {@link IdleExecutors}). */
  private void releaseIdleExecutors() {
    Set<String> busy = new HashSet<>();
    slots.values().forEach(s -> busy.add(s.agentId));
    for (String agentId : idle.expired(executors.keySet(), busy, IdleExecutors.mapOutputNeeded(job))) {
      LOG.info("releasing the idle TaskTracker executor on agent {}", agentId);
      driver.sendFrameworkMessage(EXECUTOR_ID, agentId, TaskTrackerExecutor.SHUTDOWN);
    }
  }

  private Resources executorResources() {
    return Resources.builder().mem(executorMemoryMb()).build();
  }

  private int executorMemoryMb() {
    return conf.getInt(CorralMr.TASKTRACKER_MEMORY_MB, CorralMr.TASKTRACKER_MEMORY_MB_DEFAULT);
  }

  private ExecutorInfo executorInfo() {
    int mem = executorMemoryMb();
    String command = "exec '" + CorralMr.javaCommand() + "' -Xmx" + (mem * 3 / 4) + "m -XX:+UseSerialGC"
        + " -XX:TieredStopAtLevel=1 -Dlog4j.configuration=container-log4j.properties -Dhadoop.root.logger=INFO,CLA"
        + " -Dyarn.app.container.log.dir=. -Dyarn.app.container.log.filesize=0 -Dhadoop.root.logfile=syslog"
        + " -cp \"" + AgentJvm.classpath(conf) + "\" " + TaskTrackerExecutor.class.getName();
    return ExecutorInfo.newBuilder().setExecutorId(EXECUTOR_ID).setName("Hadoop TaskTracker")
        .setCommand(AgentJvm.withBundle(TaskInfos.shell(command), conf))
        .addAllResources(executorResources().toProto())
        .build();
  }
}
