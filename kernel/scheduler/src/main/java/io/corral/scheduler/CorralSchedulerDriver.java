package io.corral.scheduler;

import com.google.protobuf.ByteString;
import io.corral.common.DriverRuntime;
import io.corral.common.DriverStatus;
import io.corral.common.detect.MasterDetector;
import io.corral.common.loop.EventLoop;
import io.corral.common.net.Backoff;
import io.corral.common.net.HostPort;
import io.corral.common.net.ReconnectingStream;
import io.corral.common.resources.InvalidResourcesException;
import io.corral.common.resources.Resources;
import io.corral.common.security.ClientCredentials;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.Resource;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.SchedulerServiceGrpc;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskStatus;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler driver: finds the leading master (host:port or {@code zk://}), subscribes,
 * turns events into {@link Scheduler} callbacks, and reconnects (re-subscribing with the
 * framework's id) whenever the stream ends or heartbeats stop.
 *
 * <p>Threads: "corral-scheduler-driver" owns the connection and all state;
 * "corral-scheduler-callbacks" runs the scheduler's callbacks, one at a time.
 */
public final class CorralSchedulerDriver implements SchedulerDriver {
  private static final Logger LOG = LoggerFactory.getLogger(CorralSchedulerDriver.class);
  /** Largest event accepted from the master (offers come in batches). */
  static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
  /** Heartbeats missed before the master is presumed gone. */
  static final int MISSED_HEARTBEATS = 3;
  /** How long stop() waits for the master to confirm a teardown. */
  static final Duration TEARDOWN_WAIT = Duration.ofSeconds(10);

  private final Scheduler scheduler;
  private final String masterSpec;
  private final ClientCredentials credentials;
  private final boolean implicitAcknowledgements;
  private final DriverRuntime runtime = new DriverRuntime("scheduler");
  private final EventLoop loop = runtime.loop();
  private final AckBatcher acks;
  private final HeartbeatWatch heartbeats;

  // Driver-thread state.
  private FrameworkInfo framework;
  private MasterDetector detector;
  private ReconnectingStream<SchedulerCall, SchedulerEvent> stream;
  private boolean subscribed;
  private boolean everSubscribed;
  private Duration heartbeatInterval = Duration.ofSeconds(15);
  /** The roles offers are suppressed for: subscriptions carry them (those among the framework's roles). */
  private final Set<String> suppressedRoles = new LinkedHashSet<>();
  /** The framework's roles as last confirmed or updated; read from any thread. */
  private volatile List<String> roles = List.of();

  /**
   * @param scheduler the framework's callbacks
   * @param framework who the framework is (an id in it fails over to that framework)
   * @param master the master as host:port or zk://host:port/path
   */
  public CorralSchedulerDriver(Scheduler scheduler, FrameworkInfo framework, String master) {
    this(scheduler, framework, master, true);
  }

  /** With {@code implicitAcknowledgements} false, call {@link #acknowledgeStatusUpdate} yourself. */
  public CorralSchedulerDriver(Scheduler scheduler, FrameworkInfo framework, String master,
      boolean implicitAcknowledgements) {
    this(scheduler, framework, master, implicitAcknowledgements, ClientCredentials.fromEnvironment(System.getenv()));
  }

  /**
   * @param credentials what the driver presents to the master on a secured cluster: the CA it
   *     trusts, and a client certificate or a principal with its secret file (the constructors
   *     without it take them from the environment: {@link ClientCredentials#fromEnvironment})
   */
  public CorralSchedulerDriver(Scheduler scheduler, FrameworkInfo framework, String master,
      boolean implicitAcknowledgements, ClientCredentials credentials) {
    this.scheduler = scheduler;
    this.credentials = java.util.Objects.requireNonNull(credentials, "credentials");
    FrameworkInfo.Builder f = framework.toBuilder();
    if (f.getPrincipal().isEmpty() && credentials.principal() != null) {
      f.setPrincipal(credentials.principal());
    }
    if (f.getUser().isEmpty()) {
      f.setUser(System.getProperty("user.name", ""));
    }
    if (f.getHostname().isEmpty()) {
      f.setHostname(hostname());
    }
    this.framework = f.build();
    this.masterSpec = master;
    this.implicitAcknowledgements = implicitAcknowledgements;
    this.acks = new AckBatcher(loop, this::sendNow);
    this.heartbeats = new HeartbeatWatch(loop, MISSED_HEARTBEATS, this::masterSilent);
  }

  /** The framework's id once registered ("" before). */
  public String frameworkId() {
    return framework.getId();
  }

  @Override
  public synchronized DriverStatus start() {
    if (runtime.status() != DriverStatus.DRIVER_NOT_STARTED) {
      return runtime.status();
    }
    detector = MasterDetector.forSpec(masterSpec); // bad specs fail here, on the caller's thread
    stream = new ReconnectingStream<>("master", loop, ForkJoinPool.commonPool(), detector, MAX_MESSAGE_BYTES,
        credentials, new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10)), new Connection());
    return runtime.start(stream::start);
  }

  @Override
  public DriverStatus stop() {
    return stop(false);
  }

  @Override
  public DriverStatus stop(boolean failover) {
    return finish(DriverStatus.DRIVER_STOPPED, !failover);
  }

  @Override
  public DriverStatus abort() {
    return finish(DriverStatus.DRIVER_ABORTED, false);
  }

  /** Ends the driver; with {@code teardown}, returns once the master confirmed it (or {@link #TEARDOWN_WAIT} passed). */
  private DriverStatus finish(DriverStatus end, boolean teardown) {
    return runtime.finishAfter(end, () -> {
      acks.flush();
      heartbeats.stop();
      if (stream == null) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> closed;
      if (teardown && subscribed) {
        // The master removes the framework, then ends the stream: that end is its confirmation.
        closed = stream.closeAfter(SchedulerCall.newBuilder().setFrameworkId(framework.getId())
            .setTeardown(SchedulerCall.Teardown.getDefaultInstance()).build(), TEARDOWN_WAIT)
            .handle((v, error) -> {
              if (error != null) {
                LOG.warn("the master did not confirm the teardown of framework {} ({}); it stays until its failover "
                    + "timeout unless torn down again", framework.getId(), reason(error));
              }
              return null;
            });
      } else {
        if (teardown && everSubscribed) {
          LOG.warn("stopped while not connected to the master: framework {} stays until its failover timeout unless "
              + "torn down again", framework.getId());
        }
        stream.close();
        closed = CompletableFuture.completedFuture(null);
      }
      return closed.thenRun(detector::close);
    });
  }

  private static String reason(Throwable error) {
    Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    return t.getMessage();
  }

  @Override
  public DriverStatus join() {
    return runtime.join();
  }

  @Override
  public DriverStatus run() {
    start();
    return join();
  }

  // ---- commands --------------------------------------------------------------------------

  @Override
  public DriverStatus launchTasks(Collection<String> offerIds, Collection<TaskInfo> tasks) {
    return acceptOffers(offerIds, tasks, null);
  }

  @Override
  public DriverStatus launchTasks(Collection<String> offerIds, Collection<TaskInfo> tasks, Filters filters) {
    return acceptOffers(offerIds, tasks, filters);
  }

  @Override
  public DriverStatus acceptOffers(Collection<String> offerIds, Collection<TaskInfo> tasks, Filters filters) {
    SchedulerCall.Accept.Builder a = SchedulerCall.Accept.newBuilder().addAllOfferIds(offerIds).addAllTasks(tasks);
    if (filters != null) {
      a.setFilters(filters);
    }
    return call(SchedulerCall.newBuilder().setAccept(a));
  }

  @Override
  public DriverStatus acceptOffers(Collection<String> offerIds, Collection<io.corral.protocol.Resource> reserve,
      Collection<io.corral.protocol.Resource> unreserve, Collection<TaskInfo> tasks, Filters filters) {
    SchedulerCall.Accept.Builder a = SchedulerCall.Accept.newBuilder().addAllOfferIds(offerIds).addAllTasks(tasks)
        .addAllReserve(reserve).addAllUnreserve(unreserve);
    if (filters != null) {
      a.setFilters(filters);
    }
    return call(SchedulerCall.newBuilder().setAccept(a));
  }

  @Override
  public DriverStatus declineOffer(String offerId) {
    return declineOffer(offerId, null);
  }

  @Override
  public DriverStatus declineOffer(String offerId, Filters filters) {
    SchedulerCall.Decline.Builder d = SchedulerCall.Decline.newBuilder().addOfferIds(offerId);
    if (filters != null) {
      d.setFilters(filters);
    }
    return call(SchedulerCall.newBuilder().setDecline(d));
  }

  @Override
  public DriverStatus killTask(String taskId) {
    return call(SchedulerCall.newBuilder().setKill(SchedulerCall.Kill.newBuilder().setTaskId(taskId)));
  }

  @Override
  public DriverStatus killTask(String taskId, String agentId, KillPolicy killPolicy) {
    SchedulerCall.Kill.Builder k = SchedulerCall.Kill.newBuilder().setTaskId(taskId)
        .setAgentId(agentId == null ? "" : agentId);
    if (killPolicy != null) {
      k.setKillPolicy(killPolicy);
    }
    return call(SchedulerCall.newBuilder().setKill(k));
  }

  @Override
  public DriverStatus reviveOffers() {
    return reviveOffers(List.of());
  }

  @Override
  public DriverStatus suppressOffers() {
    return suppressOffers(List.of());
  }

  @Override
  public DriverStatus reviveOffers(Collection<String> roles) {
    List<String> named = List.copyOf(roles);
    return suppression(() -> {
      if (named.isEmpty()) {
        suppressedRoles.clear();
      } else {
        named.forEach(suppressedRoles::remove);
      }
    }, SchedulerCall.newBuilder().setRevive(SchedulerCall.Revive.newBuilder().addAllRoles(named)));
  }

  @Override
  public DriverStatus suppressOffers(Collection<String> roles) {
    List<String> named = List.copyOf(roles);
    return suppression(() -> suppressedRoles.addAll(named.isEmpty() ? rolesOf(framework) : named),
        SchedulerCall.newBuilder().setSuppress(SchedulerCall.Suppress.newBuilder().addAllRoles(named)));
  }

  /**
   * A SUPPRESS or REVIVE: the driver keeps the roles suppressed ({@code change}) and subscribes with
   * them after a reconnection (as Mesos' driver does), so a call made while the master is away is
   * not lost; the call itself goes out when subscribed.
   */
  private DriverStatus suppression(Runnable change, SchedulerCall.Builder call) {
    if (runtime.isRunning()) {
      loop.execute(() -> {
        change.run();
        if (subscribed) {
          sendNow(call);
        } else {
          LOG.debug("{} while not subscribed: the next subscription suppresses {}", call.getTypeCase(),
              suppressedRoles);
        }
      });
    }
    return runtime.status();
  }

  @Override
  public DriverStatus updateFramework(FrameworkInfo info, Collection<String> suppressedRoles) {
    java.util.Objects.requireNonNull(info, "info");
    List<String> suppressed = List.copyOf(suppressedRoles);
    if (runtime.isRunning()) {
      loop.execute(() -> {
        FrameworkInfo.Builder f = info.toBuilder().setId(framework.getId());
        if (f.getPrincipal().isEmpty()) {
          f.setPrincipal(framework.getPrincipal());
        }
        if (f.getUser().isEmpty()) {
          f.setUser(framework.getUser());
        }
        if (f.getHostname().isEmpty()) {
          f.setHostname(framework.getHostname());
        }
        framework = f.build();
        roles = rolesOf(framework);
        this.suppressedRoles.clear();
        this.suppressedRoles.addAll(suppressed);
        if (subscribed) {
          sendNow(SchedulerCall.newBuilder().setUpdateFramework(SchedulerCall.UpdateFramework.newBuilder()
              .setFrameworkInfo(framework).addAllSuppressedRoles(suppressed)));
        } else {
          LOG.info("framework info updated while not subscribed: the next subscription carries it");
        }
      });
    }
    return runtime.status();
  }

  @Override
  public List<String> roles() {
    return roles;
  }

  private static List<String> rolesOf(FrameworkInfo f) {
    if (f.getRolesCount() > 0) {
      return List.copyOf(f.getRolesList());
    }
    return List.of(f.getRole().isEmpty() ? "*" : f.getRole());
  }

  @Override
  public DriverStatus acknowledgeStatusUpdate(TaskStatus s) {
    if (runtime.isRunning() && !s.getUuid().isEmpty()) {
      loop.execute(() -> acks.add(s));
    }
    return runtime.status();
  }

  @Override
  public DriverStatus reconcileTasks(Collection<TaskStatus> statuses) {
    SchedulerCall.Reconcile.Builder r = SchedulerCall.Reconcile.newBuilder();
    for (TaskStatus s : statuses) {
      r.addTasks(SchedulerCall.Reconcile.Task.newBuilder().setTaskId(s.getTaskId()).setAgentId(s.getAgentId()));
    }
    return call(SchedulerCall.newBuilder().setReconcile(r));
  }

  @Override
  public DriverStatus sendFrameworkMessage(String executorId, String agentId, byte[] data) {
    return call(SchedulerCall.newBuilder().setMessage(SchedulerCall.Message.newBuilder()
        .setExecutorId(executorId).setAgentId(agentId).setData(ByteString.copyFrom(data))));
  }

  private DriverStatus call(SchedulerCall.Builder call) {
    if (runtime.isRunning()) {
      loop.execute(() -> {
        if (subscribed) {
          sendNow(call);
        } else {
          LOG.debug("dropped {}: not subscribed", call.getTypeCase());
        }
      });
    }
    return runtime.status();
  }

  private void sendNow(SchedulerCall.Builder call) {
    stream.send(call.setFrameworkId(framework.getId()).build());
  }

  // ---- connection (driver thread) ---------------------------------------------------------

  /** The driver's side of the stream to the master. */
  private final class Connection implements ReconnectingStream.Handler<SchedulerCall, SchedulerEvent> {
    @Override
    public StreamObserver<SchedulerCall> open(ManagedChannel channel, StreamObserver<SchedulerEvent> responses) {
      return SchedulerServiceGrpc.newStub(channel).subscribe(responses);
    }

    @Override
    public void opened(HostPort master) {
      heartbeats.heard();
      List<String> suppressed = suppressedRoles.stream().filter(rolesOf(framework)::contains).toList();
      sendNow(SchedulerCall.newBuilder().setSubscribe(SchedulerCall.Subscribe.newBuilder().setFrameworkInfo(framework)
          .addAllSuppressedRoles(suppressed)));
    }

    @Override
    public void event(SchedulerEvent event) {
      handle(event);
    }

    @Override
    public void ended(String why) {
      if (subscribed) {
        subscribed = false;
        LOG.warn("lost the master ({}); reconnecting", why);
        callback(() -> scheduler.disconnected(CorralSchedulerDriver.this));
      } else {
        LOG.info("could not subscribe with master {} ({}); retrying", stream.peer(), why);
      }
    }

    /** Credentials refused before the first subscription are a mistake, not a glitch: fatal, as an ACL's refusal. */
    @Override
    public boolean refused(String why) {
      if (everSubscribed) {
        LOG.error("the master refused this framework's credentials ({}); retrying", why);
        return false;
      }
      String message = "the master refused the credentials: " + why;
      LOG.error("{} (fatal; the driver aborts)", message);
      runtime.callbackAlways(() -> scheduler.error(CorralSchedulerDriver.this, message));
      abort();
      return true;
    }
  }

  private void handle(SchedulerEvent event) {
    heartbeats.heard();
    switch (event.getTypeCase()) {
      case SUBSCRIBED -> subscribedEvent(event.getSubscribed());
      case OFFERS -> {
        List<Offer> offers = event.getOffers().getOffersList();
        callback(() -> scheduler.resourceOffers(this, offers));
      }
      case RESCIND -> {
        for (String id : event.getRescind().getOfferIdsList()) {
          callback(() -> scheduler.offerRescinded(this, id));
        }
      }
      case UPDATE -> {
        for (TaskStatus s : event.getUpdate().getStatusesList()) {
          callback(() -> {
            scheduler.statusUpdate(this, s);
            if (implicitAcknowledgements && !s.getUuid().isEmpty()) {
              loop.execute(() -> acks.add(s));
            }
          });
        }
      }
      case MESSAGE -> {
        SchedulerEvent.Message m = event.getMessage();
        byte[] data = m.getData().toByteArray();
        callback(() -> scheduler.frameworkMessage(this, m.getExecutorId(), m.getAgentId(), data));
      }
      case FAILURE -> {
        SchedulerEvent.Failure f = event.getFailure();
        if (f.getExecutorId().isEmpty()) {
          callback(() -> scheduler.agentLost(this, f.getAgentId()));
        } else {
          callback(() -> scheduler.executorLost(this, f.getExecutorId(), f.getAgentId(),
              f.hasStatus() ? f.getStatus() : -1));
        }
      }
      case ERROR -> {
        String message = event.getError().getMessage();
        if (event.getError().getFatal()) {
          LOG.error("master: {} (fatal; the driver aborts)", message);
          runtime.callbackAlways(() -> scheduler.error(this, message));
          abort();
        } else {
          LOG.warn("master refused {}: {}", event.getError().getCall(), message);
          callback(() -> scheduler.error(this, message));
        }
      }
      case LARGEST_AGENT -> largestAgentEvent(event.getLargestAgent().getResourcesList());
      case PREEMPTION_NOTICE -> {
        SchedulerEvent.PreemptionNotice notice = event.getPreemptionNotice();
        LOG.info("master: {}: {}", notice.getMessage(), notice.getTasksList().stream()
            .map(SchedulerEvent.PreemptionNotice.Task::getTaskId).toList());
        callback(() -> scheduler.preemptionNotice(this, notice));
      }
      case HEARTBEAT -> { }
      default -> LOG.warn("ignored an empty or unknown event from the master");
    }
  }

  private void subscribedEvent(SchedulerEvent.Subscribed s) {
    boolean first = !everSubscribed;
    subscribed = true;
    everSubscribed = true;
    stream.resetBackoff();
    framework = framework.toBuilder().setId(s.getFrameworkId()).build();
    roles = s.getRolesCount() > 0 ? List.copyOf(s.getRolesList()) : rolesOf(framework);
    if (s.getHeartbeatIntervalSeconds() > 0) {
      heartbeatInterval = Duration.ofMillis((long) (s.getHeartbeatIntervalSeconds() * 1000));
    }
    heartbeats.start(heartbeatInterval);
    MasterInfo master = s.getMasterInfo();
    LOG.info("framework {} {} with master {}:{}", s.getFrameworkId(), first ? "registered" : "re-registered",
        master.getHost(), master.getPort());
    if (first) {
      callback(() -> scheduler.registered(this, s.getFrameworkId(), master));
    } else {
      callback(() -> scheduler.reregistered(this, master));
    }
    largestAgentEvent(s.getLargestAgentList());
  }

  private void largestAgentEvent(List<Resource> resources) {
    LargestAgent largest;
    try {
      largest = new LargestAgent(Resources.fromProto(resources));
    } catch (InvalidResourcesException e) {
      LOG.warn("ignored the master's largest agent: {}", e.getMessage());
      return;
    }
    callback(() -> scheduler.largestAgent(this, largest));
  }

  /** No word from the master for {@link #MISSED_HEARTBEATS} heartbeat intervals: it is presumed gone. */
  private void masterSilent(Duration quiet) {
    if (subscribed) {
      LOG.warn("no heartbeat from the master for {} s; reconnecting", quiet.toSeconds());
      stream.restart("heartbeats stopped");
    }
  }

  private void callback(Runnable r) {
    runtime.callback(r);
  }

  private static String hostname() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }
}
