package io.corral.spark;

import io.corral.bridges.common.Drivers;
import io.corral.bridges.common.FrameworkActor;
import io.corral.bridges.common.OfferDemand;
import io.corral.common.security.ClientCredentials;
import io.corral.common.security.CredentialSettings;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerEvent.PreemptionNotice;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.scheduler.ExecutorDecommission;
import org.apache.spark.scheduler.ExecutorDecommissionInfo;
import org.apache.spark.scheduler.ExecutorKilled$;
import org.apache.spark.scheduler.ExecutorLossReason;
import org.apache.spark.scheduler.ExecutorProcessLost;
import org.apache.spark.scheduler.TaskSchedulerImpl;
import org.apache.spark.scheduler.cluster.CoarseGrainedSchedulerBackend;
import org.apache.spark.scheduler.cluster.SchedulerBackendUtils$;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.Tuple2;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's cluster manager for Corral: the application is a Corral framework (its id is the
 * Spark application id, its failover timeout 0, so the master tears it down the moment the
 * driver goes), and each executor is a Corral task running Spark's own
 * {@code CoarseGrainedExecutorBackend}, launched from offers up to the count Spark wants
 * ({@code spark.executor.instances}, {@code spark.cores.max}, dynamic allocation). Executors that
 * keep failing fail the application ({@link ExecutorFailures}, {@link ApplicationFailure}). The
 * executors a preemption notice names are decommissioned by Spark's own means
 * ({@link PreemptedExecutors}, {@link DecommissionDefaults}): their blocks move to the other
 * executors and their loss counts as no task's failure.
 *
 * <p>Threads: the executors' bookkeeping ({@link ExecutorFleet}) belongs to one thread,
 * "corral-spark-backend", a {@link FrameworkActor}'s: Corral's callbacks run on it, and Spark's
 * requests only post work to it.
 */
public final class CorralSchedulerBackend extends CoarseGrainedSchedulerBackend {
  private static final Logger LOG = LoggerFactory.getLogger(CorralSchedulerBackend.class);
  /** The DRF role the application's executors are offered under. */
  public static final String ROLE = "spark.corral.role";
  /**
   * Prefix of the credentials' settings: {@code spark.corral.principal}, {@code .secret.file},
   * {@code .tls.ca}, {@code .tls.cert}, {@code .tls.key} (see {@link CredentialSettings}).
   */
  public static final String CREDENTIALS_PREFIX = "spark.corral.";
  /** How long {@code start()} waits for the master to accept the framework. */
  public static final String REGISTRATION_TIMEOUT = "spark.corral.registration.timeout";
  /** Seconds an offer Spark does not need is declined for while it wants nothing. */
  private static final double IDLE_REFUSE_SECONDS = 30;
  private static final double BUSY_REFUSE_SECONDS = 2;

  private final SparkContext sc;
  private final TaskSchedulerImpl taskScheduler;
  private final CorralMasterUrl master;
  private final SparkConf conf;

  // Set in start(), before any offer can arrive; then used on the actor's loop.
  private FrameworkActor actor;
  private OfferDemand demand;
  private ExecutorFleet fleet;
  private ExecutorFailures failures;
  private ApplicationFailure appFailure;
  private ExecutorSpark executorSpark;
  private ExecutorCommand command;
  private PreemptedExecutors preempted;
  private int initialTarget;
  private volatile String appId;
  private volatile boolean stopping;

  public CorralSchedulerBackend(TaskSchedulerImpl scheduler, SparkContext sc, CorralMasterUrl master) {
    super(scheduler, sc.env().rpcEnv());
    this.sc = sc;
    this.taskScheduler = scheduler;
    this.master = master;
    this.conf = sc.conf();
  }

  @Override
  public void start() {
    ClientCredentials credentials = credentials(conf); // a missing file fails before anything starts
    executorSpark = executorSpark(); // so does not knowing the executors' Spark
    super.start();
    appFailure = new ApplicationFailure(sc, taskScheduler);
    actor = FrameworkActor.threaded("corral-spark-backend", Drivers.corral(master.master(), credentials));
    demand = new OfferDemand(actor, BUSY_REFUSE_SECONDS, IDLE_REFUSE_SECONDS);
    ExecutorSpec spec = ExecutorSpec.from(conf);
    int maxCores = conf.getInt("spark.cores.max", Integer.MAX_VALUE);
    initialTarget = initialTarget(conf, spec, maxCores);
    fleet = new ExecutorFleet(spec, maxCores, initialTarget, actor.loop(), this::kill);
    failures = new ExecutorFailures(conf);
    preempted = new PreemptedExecutors(conf, fleet, (executors, adjustTarget) ->
        decommissionExecutors(executors, adjustTarget, false));
    String driverUrl = "spark://" + CoarseGrainedSchedulerBackend.ENDPOINT_NAME() + "@"
        + hostForUri(conf.get("spark.driver.host")) + ":" + conf.get("spark.driver.port");
    command = new ExecutorCommand(conf, spec, driverUrl, executorSpark,
        DriverSpark.codeSource(CorralSchedulerBackend.class).toString());
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setName(sc.appName()).setFailoverTimeout(0)
        .putLabels("spark.app.name", sc.appName()).putLabels("spark.version", sc.version());
    String role = conf.get(ROLE, "").trim();
    if (!role.isEmpty()) {
      info.setRole(role);
    }
    LOG.info("registering with Corral master {} ({}; {} executors of {} cores and {} MiB to start; their Spark {})",
        master.master(), credentials, initialTarget, spec.cores(), spec.taskMemMib(), executorSpark);
    actor.subscribe(info.build(), new Callbacks());
    long timeoutSec = conf.getTimeAsSeconds(REGISTRATION_TIMEOUT, "60s");
    try {
      appId = actor.registration().get(timeoutSec, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      actor.driver().abort();
      throw Errors.spark("could not register with the Corral master " + master.master() + " within "
          + timeoutSec + " s (" + REGISTRATION_TIMEOUT + "); is it running?");
    } catch (ExecutionException e) {
      actor.driver().abort();
      throw Errors.spark("the Corral master " + master.master() + " refused the application: "
          + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      actor.driver().abort();
      throw Errors.spark("interrupted while registering with Corral");
    }
    LOG.info("registered with Corral as framework {}", appId);
  }

  /**
   * What the application presents to a secured master: {@code spark.corral.tls.ca} (the CA to
   * trust; default {@code CORRAL_TLS_CA}), {@code spark.corral.tls.cert} and {@code .key} (a
   * client certificate) or {@code spark.corral.principal} and {@code spark.corral.secret.file};
   * without any of them, the {@code CORRAL_*} environment. A missing file fails the start.
   */
  static ClientCredentials credentials(SparkConf conf) {
    try {
      return CredentialSettings.read(CREDENTIALS_PREFIX, k -> conf.get(k, null), System.getenv());
    } catch (java.io.IOException e) {
      throw Errors.spark("Corral credentials: " + e.getMessage());
    }
  }

  /**
   * Where the executors' Spark comes from ({@link ExecutorSpark}), publishing the driver's own
   * there first when {@value SparkPublisher#PUBLISH_DIR} asks; fails the start when it is not known.
   */
  private ExecutorSpark executorSpark() {
    DriverSpark driverSpark = DriverSpark.ofThisJvm(SparkContext.class);
    try {
      return ExecutorSpark.choose(k -> conf.get(k, ""), driverSpark, (spark, dir) -> {
        long t0 = System.nanoTime();
        List<Path> jars = spark.jars();
        SparkPublisher.Published p = SparkPublisher.publish(jars, dir, sc.version(), sc.hadoopConfiguration());
        LOG.info("{} the {} {} as {} ({} ms)", p.written() ? "published" : "found", jars.size(), spark.jarsSource(),
            p.uri(), (System.nanoTime() - t0) / 1_000_000);
        return p.uri();
      });
    } catch (IllegalArgumentException e) {
      throw Errors.spark(e.getMessage());
    }
  }

  /**
   * What Spark wants at first: dynamic allocation's initial count, else
   * {@code spark.executor.instances}, else as many as {@code spark.cores.max} allows, else 2
   * (YARN's and Kubernetes' default).
   */
  static int initialTarget(SparkConf conf, ExecutorSpec spec, int maxCores) {
    boolean dynamic = org.apache.spark.util.Utils.isDynamicAllocationEnabled(conf);
    if (!dynamic && !conf.contains("spark.executor.instances") && maxCores != Integer.MAX_VALUE) {
      return (maxCores + spec.cores() - 1) / spec.cores();
    }
    return SchedulerBackendUtils$.MODULE$.getInitialTargetExecutorNumber(conf, 2);
  }

  @Override
  public String applicationId() {
    String id = appId;
    return id != null ? id : super.applicationId();
  }

  /** Like YARN: wait for 80% of the first executors (unless {@code spark.scheduler.minRegisteredResourcesRatio}). */
  @Override
  public double minRegisteredRatio() {
    return conf.contains("spark.scheduler.minRegisteredResourcesRatio") ? super.minRegisteredRatio() : 0.8;
  }

  @Override
  public boolean sufficientResourcesRegistered() {
    return totalRegisteredExecutors().get() >= initialTarget * minRegisteredRatio();
  }

  /** Spark has tasks to run: after the application failed, their job is aborted at once. */
  @Override
  public void reviveOffers() {
    super.reviveOffers();
    if (appFailure.abortsJobs() && !stopping) {
      try {
        actor.execute(appFailure::abortJobs);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // stopped meanwhile
      }
    }
  }

  /**
   * Spark asks only while its SparkContext starts (it waits for the first executors): an
   * application whose executors failed before then fails that start with the reason.
   */
  @Override
  public boolean isReady() {
    return appFailure.checkReady(super.isReady());
  }

  @Override
  public Future<Object> doRequestTotalExecutors(scala.collection.immutable.Map<ResourceProfile, Object> totals) {
    int wanted = 0;
    for (Map.Entry<ResourceProfile, Object> e : CollectionConverters.asJava(totals).entrySet()) {
      int n = (Integer) e.getValue();
      if (e.getKey().id() == ResourceProfile.DEFAULT_RESOURCE_PROFILE_ID()) {
        wanted = n;
      } else if (n > 0) {
        LOG.warn("resource profile {} is not supported on Corral: its {} executors are not launched",
            e.getKey().id(), n);
      }
    }
    int target = wanted;
    actor.execute(() -> {
      int before = fleet.target();
      if (fleet.setTarget(target)) {
        revive();
      }
      if (before != target) {
        LOG.info("executor target {} -> {} ({} alive)", before, target, fleet.alive());
      }
    });
    return Future.successful(true);
  }

  @Override
  public Future<Object> doKillExecutors(scala.collection.immutable.Seq<String> executorIds) {
    List<String> ids = CollectionConverters.asJava(executorIds);
    actor.execute(() -> ids.forEach(fleet::kill));
    return Future.successful(true);
  }

  /**
   * Spark decommissions executors (for a preemption notice, or dynamic allocation lets them go with
   * {@code spark.decommission.enabled}): they exit by themselves once their tasks ended and their
   * blocks moved, which the fleet then takes for no failure.
   */
  @Override
  public scala.collection.immutable.Seq<String> decommissionExecutors(
      Tuple2<String, ExecutorDecommissionInfo>[] executors, boolean adjustTargetNumExecutors,
      boolean triggeredByExecutor) {
    List<String> ids = java.util.Arrays.stream(executors).map(Tuple2::_1).toList();
    try {
      actor.execute(() -> ids.forEach(fleet::decommissioning)); // before Spark tells them: they exit after
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // stopped meanwhile
    }
    return super.decommissionExecutors(executors, adjustTargetNumExecutors, triggeredByExecutor);
  }

  @Override
  public void stop() {
    stopping = true;
    try {
      super.stop();
    } finally {
      if (preempted != null) {
        preempted.close();
      }
      if (actor != null) {
        actor.close(); // tears the framework down: the master kills whatever executor is left
      }
    }
  }

  // ---- on the actor's loop ----

  /** Spark asked to kill the executor ({@link ExecutorFleet#kill}). */
  private void kill(ExecutorFleet.Executor e) {
    LOG.info("killing executor {} (task {})", e.id(), e.taskId());
    actor.driver().killTask(e.taskId());
  }

  private void offers(List<Offer> offers) {
    if (stopping || appFailure.failed()) {
      offers.forEach(o -> demand.decline(o.getId(), false));
      return;
    }
    Set<String> excluded = new HashSet<>(CollectionConverters.asJava(taskScheduler.excludedNodes()));
    List<ExecutorFleet.Launch> launches = fleet.place(offers, excluded, failures::failing);
    Map<String, List<TaskInfo>> byOffer = new LinkedHashMap<>();
    for (ExecutorFleet.Launch l : launches) {
      ExecutorFleet.Executor e = l.executor();
      String name = "spark executor " + e.id() + " (" + sc.appName() + ")";
      ExecutorInfo executor = ExecutorInfo.newBuilder().setExecutorId("spark-executor-" + e.id()).setName(name)
          .setCommand(command.build(e.id(), e.host(), appId)).build();
      TaskInfo task = TaskInfo.newBuilder().setTaskId(e.taskId()).setName(name).setAgentId(l.offer().getAgentId())
          .addAllResources(l.resources().toProto()).setExecutor(executor).build();
      byOffer.computeIfAbsent(l.offer().getId(), k -> new ArrayList<>()).add(task);
      LOG.info("launching executor {} on {} ({}) with {}", e.id(), e.host(), e.agentId(), l.resources());
    }
    demand.answer(offers, byOffer, fleet.wanted() > 0);
  }

  private void status(TaskStatus status) {
    ExecutorFleet.Ended ended = fleet.update(status);
    if (ended == null) {
      return;
    }
    ExecutorFleet.Executor e = ended.executor();
    String said = status.getMessage().isBlank() ? status.getState().name() : ExecutorError.oneLine(status.getMessage());
    String why = "Corral task " + e.taskId() + " on " + e.host() + " ended " + status.getState()
        + (status.getMessage().isBlank() ? "" : ": " + said);
    ExecutorLossReason reason;
    if (ended.killedByUs()) {
      reason = ExecutorKilled$.MODULE$;
      LOG.info("executor {} killed ({})", e.id(), why);
    } else if (ended.decommissioned()) {
      // Spark's loss reason for it: its tasks' loss counts as no failure, and its moved shuffle output stays.
      reason = new ExecutorDecommission(Option.empty(), why);
      LOG.info("executor {} decommissioned ({})", e.id(), why);
    } else {
      reason = new ExecutorProcessLost(why, ended.agentLost() ? Option.apply(e.host()) : Option.empty(),
          status.getState() == TaskState.TASK_FAILED);
      LOG.warn("executor {} lost: {}", e.id(), why);
    }
    if (status.getState() == TaskState.TASK_UNREACHABLE) {
      actor.driver().killTask(e.taskId()); // should its agent come back, the executor must not
    }
    if (!stopping) {
      removeExecutor(e.id(), reason);
      String fatal = ended.failed() ? failures.failed(e.agentId(), "(executor " + e.id() + " on " + e.host() + "): "
          + said + " (their Spark: " + executorSpark + ")") : null;
      if (fatal != null && !appFailure.failed()) {
        appFailure.fail(fatal);
        demand.suppress();
      } else if (fleet.wanted() > 0) {
        revive();
      }
    }
  }

  private void revive() {
    if (!stopping && !appFailure.failed()) {
      demand.revive();
    }
  }

  private static String hostForUri(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** Corral's callbacks, on the actor's loop. */
  private final class Callbacks implements Scheduler {
    @Override
    public void registered(SchedulerDriver d, String frameworkId, MasterInfo masterInfo) {
      appId = frameworkId; // before any offer: the executors' command names the application
    }

    @Override
    public void reregistered(SchedulerDriver d, MasterInfo masterInfo) {
      LOG.info("re-registered with Corral master {}:{}", masterInfo.getHost(), masterInfo.getPort());
      d.reconcileTasks(List.of());
    }

    @Override
    public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
      offers(offers);
    }

    @Override
    public void statusUpdate(SchedulerDriver d, TaskStatus status) {
      status(status);
    }

    @Override
    public void preemptionNotice(SchedulerDriver d, PreemptionNotice notice) {
      if (!stopping) {
        preempted.notice(notice);
      }
    }

    @Override
    public void disconnected(SchedulerDriver d) {
      LOG.warn("lost the Corral master; reconnecting (executors keep running)");
    }

    @Override
    public void error(SchedulerDriver d, String message) {
      LOG.error("Corral master: {}", message); // (the actor fails the registration if it is still awaited)
    }
  }
}
