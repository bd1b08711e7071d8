package io.corral.master;

import io.corral.common.detect.ZkUrl;
import io.corral.common.loop.EventLoop;
import io.corral.common.net.Grpc;
import io.corral.common.net.HostPort;
import io.corral.common.net.PeerAddressInterceptor;
import io.corral.master.allocator.DrfAllocator;
import io.corral.master.allocator.MinAllocatable;
import io.corral.master.core.MasterCore;
import io.corral.master.core.MasterMetrics;
import io.corral.master.core.MasterView;
import io.corral.master.lifecycle.ExitCodes;
import io.corral.master.lifecycle.MasterLifecycle;
import io.corral.master.lifecycle.MasterPhase;
import io.corral.master.lifecycle.ZkLeadership;
import io.corral.master.registry.AgentRegistry;
import io.corral.master.registry.InMemoryAgentRegistry;
import io.corral.master.registry.ZkAgentRegistry;
import io.corral.master.transport.AgentServiceImpl;
import io.corral.master.transport.MasterServiceImpl;
import io.corral.master.transport.SchedulerServiceImpl;
import io.corral.master.transport.SentMessageCounter;
import io.corral.protocol.GetInfoResponse;
import io.corral.protocol.MasterInfo;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Corral master. Without ZooKeeper it leads at once. With a {@code zk://} URL it joins the
 * election: as a standby it refuses every stream (clients look the leader up in ZooKeeper);
 * once elected it serves, recovers the agents its registry expects, and leads until stopped
 * or until its ZooKeeper session or leadership is lost, when {@link #terminated()} completes
 * with the exit code its process must end with ({@link ExitCodes}).
 */
public final class Master implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Master.class);
  public static final String VERSION = "0.1.0";

  private final MasterConfig config;
  private final EventLoop loop = EventLoop.threaded("corral-master");
  private final MasterLifecycle lifecycle = new MasterLifecycle();
  private final LeaderGate gate = new LeaderGate();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Why {@link #start} failed, if it did (then the master ends without having served). */
  private volatile String startFailure;
  /** Why this master ended ({@link #exitReason}), once it did. */
  private volatile String exitReason;
  private final CompletableFuture<Integer> terminated = new CompletableFuture<>();
  private final List<Consumer<MasterPhase>> phaseListeners = new CopyOnWriteArrayList<>();
  private final String id = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
      + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  private volatile MasterPhase phase = MasterPhase.STANDBY;
  private volatile MasterCore core;
  private Server server;
  private HostPort address;
  private io.corral.master.http.MasterHttpServer http;
  private final java.util.concurrent.atomic.AtomicLong elections = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong messagesOut = new java.util.concurrent.atomic.AtomicLong();
  /** The leader's HTTP URL as last asked of it: (leader id, URL). */
  private volatile java.util.Map.Entry<String, String> leaderHttp;
  private ZkLeadership leadership;
  private AgentRegistry registry;
  /** Where the quotas and weights set at run time are kept (ZooKeeper, or the work dir). */
  private io.corral.master.roles.RoleSettingsStore roleStore;
  /** Where the preemption notices not yet carried out are kept (ZooKeeper, or the work dir). */
  private io.corral.master.preemption.NoticeStore noticeStore;

  public Master(MasterConfig config) {
    this.config = config;
  }

  /**
   * Binds the port and joins the election (if any). Returns once this master leads and serves,
   * or is settled as a standby.
   */
  public Master start() throws IOException {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    SentMessageCounter counter = new SentMessageCounter(messagesOut);
    server = Grpc.startServer(config.bindHost(), config.port(), config.maxMessageBytes(), List.of(
        ServerInterceptors.intercept(new AgentServiceImpl(gate), new PeerAddressInterceptor(), counter),
        ServerInterceptors.intercept(new SchedulerServiceImpl(gate), new PeerAddressInterceptor(), counter),
        new MasterServiceImpl(this::getInfo).bindService()),
        config.security() == null ? null : config.security().grpc());
    if (config.security() != null) {
      LOG.info("security on: {}", config.security());
    }
    address = new HostPort(config.advertiseHost(), config.advertisePort() > 0 ? config.advertisePort() : server.getPort());
    if (config.httpPort() >= 0) {
      try {
        http = new io.corral.master.http.MasterHttpServer(config.bindHost(), config.httpPort(), config.advertiseHost(),
            config.advertiseHttpPort(), new HttpBackend(), new io.corral.master.http.MasterPrometheus(
                () -> core == null ? null : core.metrics(), this::isLeading, elections, messagesOut),
            Clock.systemUTC(), config.security());
      } catch (IOException e) {
        Grpc.shutdown(server);
        throw new IOException(e instanceof java.net.BindException ? "HTTP API: " + e.getMessage()
            : "could not serve HTTP on " + config.bindHost() + ":" + config.httpPort() + ": " + e.getMessage(), e);
      }
    }
    if (config.zk() == null) {
      registry = new InMemoryAgentRegistry();
      roleStore = new io.corral.master.roles.FileRoleSettingsStore(config.workDir());
      noticeStore = new io.corral.master.preemption.FileNoticeStore(config.workDir());
      loop.submit(() -> {
        on(MasterLifecycle.Event.ELECTED);
        return null;
      }).join();
      return this;
    }
    ZkUrl url = ZkUrl.parse(config.zk());
    if (config.zkDigest() == null && config.security() != null) {
      LOG.warn("security is on but ZooKeeper is not authenticated: anyone who reaches {} can change the election "
          + "(give the masters a ZooKeeper identity with --zk-secret-file)", url);
    }
    leadership = new ZkLeadership(url, config.zkSessionTimeout(), address.toString(), config.zkDigest(),
        event -> loop.execute(() -> on(event)));
    try {
      leadership.start();
    } catch (Exception e) {
      startFailure = "could not join the leader election at " + url + ": " + e.getMessage();
      close();
      throw new IOException(startFailure, e);
    }
    registry = new ZkAgentRegistry(leadership.client(), url.registryPath());
    roleStore = new io.corral.master.roles.ZkRoleSettingsStore(leadership.client(), url.registryPath());
    noticeStore = new io.corral.master.preemption.ZkNoticeStore(leadership.client(), url.registryPath());
    LOG.info("master {} on {} joined the election at {}", id, address, url);
    leadership.awaitSettled(Duration.ofSeconds(30));
    if (leadership.hasLeadership()) {
      awaitPhase(p -> p != MasterPhase.STANDBY, Duration.ofSeconds(30));
    }
    return this;
  }

  /** Handles a lifecycle event; on the loop. */
  private void on(MasterLifecycle.Event event) {
    MasterLifecycle.Transition t = lifecycle.apply(event);
    for (MasterLifecycle.Action action : t.actions()) {
      switch (action) {
        case OPEN -> open();
        case START_RECOVERY -> startRecovery();
        case PAUSE -> core.setSuspended(true);
        case RESUME -> core.setSuspended(false);
        case EXIT_SESSION_LOST -> exit(ExitCodes.ZK_SESSION_LOST, "its ZooKeeper session was lost");
        case EXIT_LEADERSHIP_LOST -> exit(ExitCodes.LEADERSHIP_LOST, "it lost the leadership");
        case EXIT_STOPPED -> exit(ExitCodes.STOPPED, "it was stopped");
      }
    }
    if (t.phase() != phase) {
      phase = t.phase();
      LOG.info("master {} is now {}", address, phase);
      phaseListeners.forEach(l -> l.accept(phase));
    }
  }

  private void open() {
    MasterInfo info = selfInfo();
    elections.incrementAndGet();
    DrfAllocator allocator = new DrfAllocator(new java.util.Random(), new MinAllocatable(config.minAllocatable()));
    MasterCore c = new MasterCore(config, info, loop, Clock.systemUTC(), allocator, registry,
        leadership == null ? () -> true : leadership::leaseValid);
    c.start();
    core = c;
    gate.open(c);
    LOG.info("master {} leads on {} (ping timeout {} x {}, offer timeout {}, allocation every {})",
        id, address, config.agentPingTimeout(), config.maxAgentPingTimeouts(), config.offerTimeout(),
        config.allocationInterval());
  }

  private void startRecovery() {
    java.util.Map<String, io.corral.master.registry.AgentRecord> records;
    io.corral.master.roles.RoleSettings roleSettings;
    try {
      records = registry.load();
    } catch (Exception e) {
      LOG.error("could not read the registry: {}", e.toString());
      exit(ExitCodes.ZK_SESSION_LOST, "its registry could not be read");
      return;
    }
    try {
      roleSettings = roleStore.load();
    } catch (java.io.IOException e) {
      LOG.error("could not read the quotas and weights: {}", e.getMessage());
      exit(ExitCodes.ZK_SESSION_LOST, "its quotas and weights could not be read (" + e.getMessage() + ")");
      return;
    }
    core.installRoleSettings(roleStore, roleSettings);
    try {
      core.installNotices(noticeStore, noticeStore.load());
    } catch (java.io.IOException e) {
      // Not fatal: the roles below their guarantee get new notices; those sent are not honoured.
      LOG.error("could not read the preemption notices of the previous leader: {}", e.getMessage());
      core.installNotices(noticeStore, List.of());
    }
    // Recovery starts at once (we are on the loop); RECOVERED comes as an event of its own, even
    // when no agent is expected, so that it is not applied inside this ELECTED transition.
    core.recover(records, () -> loop.execute(() -> on(MasterLifecycle.Event.RECOVERED)));
  }

  private void exit(int code, String why) {
    exitReason = why;
    if (startFailure != null) {
      LOG.debug("master {} on {} did not start: {}", id, address, startFailure); // start() throws it
    } else {
      LOG.warn("master {} on {} exits with code {}: {}", id, address, code, why);
    }
    gate.close();
    if (core != null) {
      core.stop();
    }
    terminated.complete(code);
  }

  public HostPort address() {
    return address;
  }

  /** Where this master serves HTTP ({@code http://host:port/}), or null if it does not. */
  public String httpUrl() {
    return http == null ? null : http.url();
  }

  private MasterInfo selfInfo() {
    MasterInfo.Builder b = MasterInfo.newBuilder().setId(id).setHost(address.host())
        .setPort(address.port()).setVersion(VERSION);
    if (http != null) {
      b.setHttpUrl(http.url());
    }
    return b.build();
  }

  private GetInfoResponse getInfo() {
    GetInfoResponse.Builder b = GetInfoResponse.newBuilder().setMaster(selfInfo()).setLeading(isLeading());
    if (isLeading()) {
      b.setLeader(address.toString());
    } else if (leadership != null) {
      leadership.leaderId().ifPresent(b::setLeader);
    }
    return b.build();
  }

  /**
   * Whether this master may serve as the leader right now: it leads and holds its lease (a ZooKeeper
   * round trip confirmed less than two thirds of a session timeout ago). A leader cut off from
   * ZooKeeper loses the lease before its session can expire, so before another master is elected:
   * from then on it serves no calls (its HTTP API answers 503), and at no moment do two masters.
   */
  private boolean serving() {
    return isLeading() && core != null && (leadership == null || leadership.leaseValid());
  }

  /**
   * The leader's HTTP URL: this master's own while it serves as the leader, none while it leads but
   * holds no lease, else asked of the leader (and cached).
   */
  private java.util.Optional<String> leaderHttpUrl() {
    if (isLeading()) {
      return serving() ? java.util.Optional.ofNullable(httpUrl()) : java.util.Optional.empty();
    }
    if (leadership == null) {
      return java.util.Optional.empty();
    }
    java.util.Optional<String> leader = leadership.leaderId();
    if (leader.isEmpty() || leader.get().equals(address.toString())) {
      return java.util.Optional.empty();
    }
    java.util.Map.Entry<String, String> cached = leaderHttp;
    if (cached != null && cached.getKey().equals(leader.get())) {
      return java.util.Optional.of(cached.getValue());
    }
    io.grpc.ManagedChannel channel = Grpc.channel(HostPort.parse(leader.get()), config.maxMessageBytes(),
        config.security() == null ? io.corral.common.security.ClientCredentials.NONE : config.security().client());
    try {
      GetInfoResponse r = io.corral.protocol.MasterServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(5, TimeUnit.SECONDS).getInfo(io.corral.protocol.GetInfoRequest.getDefaultInstance());
      if (!r.getLeading() || r.getMaster().getHttpUrl().isEmpty()) {
        return java.util.Optional.empty();
      }
      leaderHttp = java.util.Map.entry(leader.get(), r.getMaster().getHttpUrl());
      return java.util.Optional.of(r.getMaster().getHttpUrl());
    } catch (RuntimeException e) {
      LOG.debug("asking leader {} for its HTTP address: {}", leader.get(), e.toString());
      return java.util.Optional.empty();
    } finally {
      Grpc.shutdown(channel);
    }
  }

  /** The HTTP API's view of this master. */
  private final class HttpBackend implements io.corral.master.http.MasterBackend {
    @Override
    public boolean leading() {
      return serving();
    }

    @Override
    public String phase() {
      return phase.name();
    }

    @Override
    public java.util.Optional<String> leaderHttpUrl() {
      return Master.this.leaderHttpUrl();
    }

    @Override
    public <T> CompletableFuture<T> query(Function<MasterView, T> reader) {
      return Master.this.leading().query(reader);
    }

    @Override
    public CompletableFuture<io.corral.master.core.OperatorResult> teardownFramework(String frameworkId) {
      return Master.this.leading().teardownFramework(frameworkId);
    }

    @Override
    public CompletableFuture<io.corral.master.core.OperatorResult> drainAgent(String agentId, Duration grace) {
      return Master.this.leading().drainAgent(agentId, grace);
    }

    @Override
    public CompletableFuture<io.corral.master.core.OperatorResult> undrainAgent(String agentId) {
      return Master.this.leading().undrainAgent(agentId);
    }

    @Override
    public CompletableFuture<io.corral.master.core.OperatorResult> reserve(String agentId,
        io.corral.common.resources.PooledResources wanted) {
      return Master.this.leading().reserve(agentId, wanted);
    }

    @Override
    public CompletableFuture<io.corral.master.core.OperatorResult> unreserve(String agentId,
        io.corral.common.resources.PooledResources wanted) {
      return Master.this.leading().unreserve(agentId, wanted);
    }

    @Override
    public CompletableFuture<io.corral.master.core.OperatorResult> killTask(String frameworkId, String taskId) {
      return Master.this.leading().killTask(frameworkId, taskId);
    }

    @Override
    public CompletableFuture<io.corral.master.core.OperatorResult> setQuota(String role,
        io.corral.master.roles.Quota quota, boolean force) {
      return Master.this.leading().setQuota(role, quota, force);
    }

    @Override
    public CompletableFuture<io.corral.master.core.OperatorResult> removeQuota(String role) {
      return Master.this.leading().removeQuota(role);
    }

    @Override
    public CompletableFuture<io.corral.master.core.OperatorResult> setWeights(java.util.Map<String, Double> weights) {
      return Master.this.leading().setWeights(weights);
    }
  }

  /** STANDBY, RECOVERING, ACTIVE, SUSPENDED or EXITING. */
  public MasterPhase phase() {
    return phase;
  }

  /** Whether this master leads (serves agents and schedulers). */
  public boolean isLeading() {
    MasterPhase p = phase;
    return p == MasterPhase.RECOVERING || p == MasterPhase.ACTIVE || p == MasterPhase.SUSPENDED;
  }

  /** Called on every phase change (on the master's loop). */
  public void onPhaseChange(Consumer<MasterPhase> listener) {
    phaseListeners.add(listener);
  }

  /** Why this master ended, e.g. "its ZooKeeper session was lost"; null while it runs. */
  public String exitReason() {
    return exitReason;
  }

  /** Completes with the process exit code when this master must end ({@link ExitCodes}). */
  public CompletableFuture<Integer> terminated() {
    return terminated;
  }

  /** Waits until the phase satisfies {@code which}; false on timeout. */
  public boolean awaitPhase(java.util.function.Predicate<MasterPhase> which, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!which.test(phase)) {
      if (System.nanoTime() > deadline || terminated.isDone()) {
        return which.test(phase);
      }
      try {
        terminated.get(10, TimeUnit.MILLISECONDS); // returns early if the master ends
      } catch (java.util.concurrent.TimeoutException e) {
        // poll again
      } catch (Exception e) {
        return which.test(phase);
      }
    }
    return true;
  }

  public MasterInfo info() {
    return leading().info();
  }

  public MasterMetrics metrics() {
    return leading().metrics();
  }

  /** Reads the state on the master's loop (only while it leads). */
  public <T> CompletableFuture<T> query(Function<MasterView, T> reader) {
    return leading().query(reader);
  }

  private MasterCore leading() {
    MasterCore c = core;
    if (c == null) {
      throw new IllegalStateException("master " + address + " does not lead");
    }
    return c;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    loop.execute(() -> on(MasterLifecycle.Event.STOP));
    if (leadership != null) {
      leadership.close();
    }
    if (core != null) {
      core.stop();
    }
    if (http != null) {
      http.close();
    }
    Grpc.shutdown(server);
    loop.close();
    terminated.complete(ExitCodes.STOPPED);
  }
}
