package io.corral.master;

import io.corral.common.detect.ZkUrl;
import io.corral.common.loop.EventLoop;
import io.corral.common.net.Grpc;
import io.corral.common.net.HostPort;
import io.corral.master.allocator.DrfAllocator;
import io.corral.master.allocator.MinAllocatable;
import io.corral.master.core.MasterCore;
import io.corral.master.core.MasterMetrics;
import io.corral.master.core.MasterView;
import io.corral.master.transport.AgentServiceImpl;
import io.corral.master.transport.MasterStreams;
import io.corral.common.net.StreamConnection;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.common.net.PeerAddressInterceptor;
import io.corral.master.transport.SchedulerServiceImpl;
import io.corral.protocol.MasterInfo;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Corral master: serves agents and schedulers over gRPC and runs the allocator. With a
 * {@code zk://} URL it joins a leader latch in ZooKeeper so clients can find it there.
 */
public final class Master implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Master.class);
  public static final String VERSION = "0.1.0";

  private final MasterConfig config;
  private final EventLoop loop = new EventLoop("corral-master");
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private MasterCore core;
  private Server server;
  private CuratorFramework zk;
  private LeaderLatch latch;
  private HostPort address;

  public Master(MasterConfig config) {
    this.config = config;
  }

  /** Binds the port and starts serving; returns once the master accepts connections. */
  public Master start() throws IOException {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    String id = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
        + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    LeaderGate streams = new LeaderGate();
    server = Grpc.startServer(config.bindHost(), config.port(), config.maxMessageBytes(), List.of(
        ServerInterceptors.intercept(new AgentServiceImpl(streams), new PeerAddressInterceptor()),
        ServerInterceptors.intercept(new SchedulerServiceImpl(streams), new PeerAddressInterceptor())));
    address = new HostPort(config.advertiseHost(), server.getPort());
    if (config.zk() != null) {
      joinElection(ZkUrl.parse(config.zk())); // blocks while this master is a standby
    }
    MasterInfo info = MasterInfo.newBuilder().setId(id).setHost(address.host())
        .setPort(address.port()).setVersion(VERSION).build();
    DrfAllocator allocator = new DrfAllocator(new java.util.Random(), new MinAllocatable(config.minAllocatable()));
    core = new MasterCore(config, info, loop, Clock.systemUTC(), allocator);
    core.start();
    streams.open(core);
    LOG.info("master {} serving on {} (ping timeout {} x {}, offer timeout {}, allocation every {})",
        id, address, config.agentPingTimeout(), config.maxAgentPingTimeouts(), config.offerTimeout(),
        config.allocationInterval());
    return this;
  }

  private void joinElection(ZkUrl url) {
    zk = CuratorFrameworkFactory.builder()
        .connectString(url.connectString())
        .sessionTimeoutMs(10_000)
        .connectionTimeoutMs(5_000)
        .retryPolicy(new ExponentialBackoffRetry(200, 10, 5_000))
        .build();
    zk.start();
    latch = new LeaderLatch(zk, url.leaderLatchPath(), address.toString());
    try {
      latch.start();
      latch.await();
    } catch (Exception e) {
      throw new IllegalStateException("could not join the leader election at " + url + ": " + e, e);
    }
    LOG.info("master {} is the leader at {}", address, url);
  }

  public HostPort address() {
    return address;
  }

  public MasterInfo info() {
    return core.info();
  }

  public MasterMetrics metrics() {
    return core.metrics();
  }

  /** Reads the state on the master's loop. */
  public <T> CompletableFuture<T> query(Function<MasterView, T> reader) {
    return core.query(reader);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (latch != null) {
      try {
        latch.close();
      } catch (IOException e) {
        LOG.debug("closing leader latch: {}", e.toString());
      }
    }
    if (zk != null) {
      zk.close();
    }
    if (core != null) {
      core.stop();
    }
    Grpc.shutdown(server);
    loop.close();
  }

  /**
   * Hands stream traffic to the core once this master leads. Until then (it is starting, or a
   * standby waiting in the election) every stream is refused with UNAVAILABLE, and clients go
   * back to looking for the leader.
   */
  private static final class LeaderGate implements MasterStreams {
    private volatile MasterCore core;

    void open(MasterCore c) {
      core = c;
    }

    private static void refuse(StreamConnection<?> c) {
      c.fail(io.grpc.Status.UNAVAILABLE.withDescription("this master is not the leader"));
    }

    @Override
    public void onAgentCall(StreamConnection<AgentEvent> c, AgentCall call) {
      MasterCore m = core;
      if (m == null) {
        refuse(c);
      } else {
        m.onAgentCall(c, call);
      }
    }

    @Override
    public void onAgentStreamClosed(StreamConnection<AgentEvent> c, Throwable cause) {
      MasterCore m = core;
      if (m != null) {
        m.onAgentStreamClosed(c, cause);
      }
    }

    @Override
    public void onSchedulerCall(StreamConnection<SchedulerEvent> c, SchedulerCall call) {
      MasterCore m = core;
      if (m == null) {
        refuse(c);
      } else {
        m.onSchedulerCall(c, call);
      }
    }

    @Override
    public void onSchedulerStreamClosed(StreamConnection<SchedulerEvent> c, Throwable cause) {
      MasterCore m = core;
      if (m != null) {
        m.onSchedulerStreamClosed(c, cause);
      }
    }
  }
}
