package io.corral.master;

import io.corral.common.detect.ZkUrl;
import io.corral.common.net.Grpc;
import io.corral.common.resources.Resources;
import io.corral.common.security.ZkDigest;
import io.corral.http.auth.DaemonSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a master is started with. Defaults follow Mesos where Mesos users found them
 * right, and differ where they complained (offer timeout on, framework failover timeout of
 * a week instead of zero).
 *
 * @param bindHost address the gRPC and HTTP servers listen on ({@code 0.0.0.0}: every interface)
 * @param advertiseHost address other processes use to reach this master (never a wildcard address;
 *     see {@link io.corral.common.net.Advertisement} for the default)
 * @param port port to listen on (0 = any free port)
 * @param advertisePort the port others reach the gRPC server at, when a NAT forwards another one to it
 *     (0 = the port it listens on)
 * @param advertiseHttpPort the same for the HTTP server (0 = the port it listens on)
 * @param zk optional {@code zk://} URL: join the leader election there (null = standalone)
 * @param workDir where the master keeps files (logs, later the registry cache)
 * @param agentPingTimeout how long to wait for an agent's pong (Mesos: 15 s)
 * @param maxAgentPingTimeouts missed pings in a row before an agent is unreachable (Mesos: 5)
 * @param allocationInterval period of the full allocation cycle (Mesos: 1 s)
 * @param offerTimeout idle offers are rescinded after this (Mesos: never; ours: 30 s)
 * @param offerTimeoutFilter how long a rescinded idle offer is kept from the same framework
 * @param defaultRefuse filter length when a decline gives none (Mesos: 5 s)
 * @param defaultFailoverTimeout a framework's failover timeout when it sets none (1 week)
 * @param heartbeatInterval how often the master sends heartbeats to schedulers
 * @param maxMessageBytes largest message accepted on any stream
 * @param roleWeights DRF weights per role (default 1)
 * @param minAllocatable an agent's leftovers are offered only if they meet one of these
 * @param maxCompletedTasksPerFramework completed tasks kept per framework for
 *     reconciliation and the API
 * @param maxCompletedFrameworks removed frameworks remembered (their ids cannot come back)
 * @param offerBatchSize offers per Offers event
 * @param schedulerTaskShare the fraction of each scalar resource of the cluster that the frameworks'
 *     own schedulers run as tasks ({@code TaskInfo.scheduler_task}) may hold together (always one)
 * @param zkSessionTimeout the ZooKeeper session timeout of a master in an election (Mesos: 10 s)
 * @param agentReregisterTimeout after a failover, how long the new leader waits for the agents
 *     of the registry to re-register before marking them unreachable (Mesos: 10 min)
 * @param agentGoneTimeout an agent unreachable this long is removed for good (its tasks are
 *     reported TASK_GONE; if it returns it must drop them); zero means never
 * @param httpPort port of the HTTP API, web UI and /metrics (0 = any free port, -1 = none)
 * @param drainGracePeriod default time a draining agent's tasks get to finish before they are killed
 * @param preemption whether tasks of roles above their guarantee are preempted for roles below theirs
 * @param preemptionGrace how long after its notice a preempted task is killed
 * @param security TLS, authentication and ACLs (null = off: plaintext, anyone may do anything)
 * @param zkDigest the masters' ZooKeeper identity (null = none: the election's znodes are open to
 *     anyone who reaches ZooKeeper); only with {@code zk}
 */
public record MasterConfig(
    String bindHost,
    String advertiseHost,
    int port,
    int advertisePort,
    int advertiseHttpPort,
    String zk,
    Path workDir,
    Duration agentPingTimeout,
    int maxAgentPingTimeouts,
    Duration allocationInterval,
    Duration offerTimeout,
    Duration offerTimeoutFilter,
    Duration defaultRefuse,
    Duration defaultFailoverTimeout,
    Duration heartbeatInterval,
    int maxMessageBytes,
    Map<String, Double> roleWeights,
    List<Resources> minAllocatable,
    int maxCompletedTasksPerFramework,
    int maxCompletedFrameworks,
    int offerBatchSize,
    double schedulerTaskShare,
    Duration zkSessionTimeout,
    Duration agentReregisterTimeout,
    Duration agentGoneTimeout,
    int httpPort,
    Duration drainGracePeriod,
    boolean preemption,
    Duration preemptionGrace,
    DaemonSecurity security,
    ZkDigest zkDigest) {

  public static final int DEFAULT_PORT = 5050;
  public static final int DEFAULT_HTTP_PORT = 5080;
  /** Without an HTTP port of its own, a master serves HTTP this far above its gRPC port (5050 -> 5080). */
  public static final int HTTP_PORT_OFFSET = DEFAULT_HTTP_PORT - DEFAULT_PORT;

  /** The HTTP port of a master on {@code port} that names none: any free one when {@code port} is 0. */
  public static int defaultHttpPort(int port) {
    return port == 0 ? 0 : port + HTTP_PORT_OFFSET;
  }

  public MasterConfig {
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(advertiseHost, "advertiseHost");
    if (io.corral.common.net.Advertisement.isWildcard(advertiseHost)) {
      throw new IllegalArgumentException("cannot advertise the wildcard address " + advertiseHost
          + ": other machines cannot reach it; give the name or address they reach this host at");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (advertisePort < 0 || advertisePort > 65535 || advertiseHttpPort < 0 || advertiseHttpPort > 65535) {
      throw new IllegalArgumentException("advertised port out of range: " + advertisePort + ", " + advertiseHttpPort);
    }
    if (httpPort < -1 || httpPort > 65535) {
      throw new IllegalArgumentException("HTTP port out of range: " + httpPort);
    }
    if (drainGracePeriod == null || drainGracePeriod.isNegative()) {
      throw new IllegalArgumentException("drainGracePeriod must not be negative: " + drainGracePeriod);
    }
    requireNotNegative(preemptionGrace, "preemptionGrace");
    if (zk != null) {
      ZkUrl.parse(zk); // fail here, not after the server is already up
    } else if (zkDigest != null) {
      throw new IllegalArgumentException("a ZooKeeper secret needs a ZooKeeper (--zk)");
    }
    requirePositive(agentPingTimeout, "agentPingTimeout");
    requirePositive(allocationInterval, "allocationInterval");
    requirePositive(heartbeatInterval, "heartbeatInterval");
    requirePositive(offerTimeout, "offerTimeout");
    requireNotNegative(offerTimeoutFilter, "offerTimeoutFilter");
    requireNotNegative(defaultRefuse, "defaultRefuse");
    requireNotNegative(defaultFailoverTimeout, "defaultFailoverTimeout");
    if (maxAgentPingTimeouts < 1) {
      throw new IllegalArgumentException("maxAgentPingTimeouts must be at least 1");
    }
    if (maxMessageBytes <= 0) {
      throw new IllegalArgumentException("maxMessageBytes must be positive: " + maxMessageBytes);
    }
    requirePositive(zkSessionTimeout, "zkSessionTimeout");
    requirePositive(agentReregisterTimeout, "agentReregisterTimeout");
    if (agentGoneTimeout == null || agentGoneTimeout.isNegative()) {
      throw new IllegalArgumentException("agentGoneTimeout must be zero (never) or positive");
    }
    if (offerBatchSize < 1) {
      throw new IllegalArgumentException("offerBatchSize must be at least 1: " + offerBatchSize);
    }
    if (!(schedulerTaskShare >= 0 && schedulerTaskShare <= 1)) {
      throw new IllegalArgumentException("schedulerTaskShare must be between 0 and 1: " + schedulerTaskShare);
    }
    if (maxCompletedTasksPerFramework < 0) {
      throw new IllegalArgumentException(
          "maxCompletedTasksPerFramework must not be negative: " + maxCompletedTasksPerFramework);
    }
    if (maxCompletedFrameworks < 0) {
      throw new IllegalArgumentException(
          "maxCompletedFrameworks must not be negative: " + maxCompletedFrameworks);
    }
    roleWeights = Map.copyOf(roleWeights);
    roleWeights.forEach(
        (role, w) -> {
          if (!(w > 0) || w.isInfinite()) {
            throw new IllegalArgumentException("weight of role '" + role + "' must be > 0: " + w);
          }
        });
    minAllocatable = List.copyOf(minAllocatable);
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  private static void requireNotNegative(Duration d, String name) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder with the documented defaults. */
  public static final class Builder {
    private String bindHost = "127.0.0.1";
    private String advertiseHost = null;
    private int port = DEFAULT_PORT;
    private int advertisePort;
    private int advertiseHttpPort;
    /** Unset: {@link #defaultHttpPort} of the gRPC port. */
    private Integer httpPort;
    private Duration drainGracePeriod = Duration.ofMinutes(1);
    private boolean preemption = true;
    private Duration preemptionGrace = Duration.ofSeconds(10);
    private DaemonSecurity security;
    private String zk = null;
    private ZkDigest zkDigest = null;
    private Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "corral-master");
    private Duration agentPingTimeout = Duration.ofSeconds(15);
    private int maxAgentPingTimeouts = 5;
    private Duration allocationInterval = Duration.ofSeconds(1);
    private Duration offerTimeout = Duration.ofSeconds(30);
    private Duration offerTimeoutFilter = Duration.ofSeconds(5);
    private Duration defaultRefuse = Duration.ofSeconds(5);
    private Duration defaultFailoverTimeout = Duration.ofDays(7);
    private Duration heartbeatInterval = Duration.ofSeconds(15);
    private int maxMessageBytes = Grpc.DEFAULT_MAX_MESSAGE_BYTES;
    private Map<String, Double> roleWeights = Map.of();
    private List<Resources> minAllocatable =
        List.of(Resources.builder().cpus(0.01).build(), Resources.builder().mem(32).build());
    private int maxCompletedTasksPerFramework = 1000;
    private int maxCompletedFrameworks = 1000;
    private int offerBatchSize = 500;
    private double schedulerTaskShare = io.corral.master.core.SchedulerTaskShare.DEFAULT;
    private Duration zkSessionTimeout = Duration.ofSeconds(10);
    private Duration agentReregisterTimeout = Duration.ofMinutes(10);
    private Duration agentGoneTimeout = Duration.ZERO;

    public Builder bindHost(String v) {
      bindHost = v;
      return this;
    }

    public Builder advertiseHost(String v) {
      advertiseHost = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    /** The port others reach the gRPC server at, when it differs from the one bound (0 = the same). */
    public Builder advertisePort(int v) {
      advertisePort = v;
      return this;
    }

    /** The port others reach the HTTP server at, when it differs from the one bound (0 = the same). */
    public Builder advertiseHttpPort(int v) {
      advertiseHttpPort = v;
      return this;
    }

    public Builder zk(String v) {
      zk = v;
      return this;
    }

    public Builder workDir(Path v) {
      workDir = v;
      return this;
    }

    public Builder agentPingTimeout(Duration v) {
      agentPingTimeout = v;
      return this;
    }

    public Builder maxAgentPingTimeouts(int v) {
      maxAgentPingTimeouts = v;
      return this;
    }

    public Builder allocationInterval(Duration v) {
      allocationInterval = v;
      return this;
    }

    public Builder offerTimeout(Duration v) {
      offerTimeout = v;
      return this;
    }

    public Builder offerTimeoutFilter(Duration v) {
      offerTimeoutFilter = v;
      return this;
    }

    public Builder defaultRefuse(Duration v) {
      defaultRefuse = v;
      return this;
    }

    public Builder defaultFailoverTimeout(Duration v) {
      defaultFailoverTimeout = v;
      return this;
    }

    public Builder heartbeatInterval(Duration v) {
      heartbeatInterval = v;
      return this;
    }

    public Builder maxMessageBytes(int v) {
      maxMessageBytes = v;
      return this;
    }

    public Builder roleWeights(Map<String, Double> v) {
      roleWeights = v;
      return this;
    }

    public Builder minAllocatable(List<Resources> v) {
      minAllocatable = v;
      return this;
    }

    public Builder maxCompletedTasksPerFramework(int v) {
      maxCompletedTasksPerFramework = v;
      return this;
    }

    public Builder maxCompletedFrameworks(int v) {
      maxCompletedFrameworks = v;
      return this;
    }

    public Builder offerBatchSize(int v) {
      offerBatchSize = v;
      return this;
    }

    /** The fraction of the cluster the frameworks' schedulers run as tasks may hold together. */
    public Builder schedulerTaskShare(double v) {
      schedulerTaskShare = v;
      return this;
    }

    public Builder zkSessionTimeout(Duration v) {
      zkSessionTimeout = v;
      return this;
    }

    public Builder agentReregisterTimeout(Duration v) {
      agentReregisterTimeout = v;
      return this;
    }

    public Builder agentGoneTimeout(Duration v) {
      agentGoneTimeout = v;
      return this;
    }

    public Builder httpPort(int v) {
      httpPort = v;
      return this;
    }

    public Builder security(DaemonSecurity v) {
      security = v;
      return this;
    }

    public Builder zkDigest(ZkDigest v) {
      zkDigest = v;
      return this;
    }

    public Builder drainGracePeriod(Duration v) {
      drainGracePeriod = v;
      return this;
    }

    /** Whether roles below their guarantee may have other roles' tasks preempted for them (default true). */
    public Builder preemption(boolean v) {
      preemption = v;
      return this;
    }

    /** How long after its notice a preempted task is killed (default 10 s). */
    public Builder preemptionGrace(Duration v) {
      preemptionGrace = v;
      return this;
    }

    public MasterConfig build() {
      return new MasterConfig(
          bindHost,
          advertiseHost != null ? advertiseHost
              : io.corral.common.net.Advertisement.choose(bindHost, null, io.corral.common.net.Machine.THIS).host(),
          port,
          advertisePort,
          advertiseHttpPort,
          zk,
          workDir,
          agentPingTimeout,
          maxAgentPingTimeouts,
          allocationInterval,
          offerTimeout,
          offerTimeoutFilter,
          defaultRefuse,
          defaultFailoverTimeout,
          heartbeatInterval,
          maxMessageBytes,
          roleWeights,
          minAllocatable,
          maxCompletedTasksPerFramework,
          maxCompletedFrameworks,
          offerBatchSize,
          schedulerTaskShare,
          zkSessionTimeout,
          agentReregisterTimeout,
          agentGoneTimeout,
          httpPort != null ? httpPort : defaultHttpPort(port),
          drainGracePeriod, preemption, preemptionGrace, security, zkDigest);
    }
  }
}
