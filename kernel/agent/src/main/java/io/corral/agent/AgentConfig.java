package io.corral.agent;

import io.corral.common.net.Grpc;
import io.corral.common.resources.PooledResources;
import io.corral.common.resources.Resources;
import io.corral.fetcher.FetcherConfig;
import io.corral.fetcher.HdfsSupport;
import io.corral.protocol.Attribute;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything an agent is started with.
 *
 * @param master the master as host:port or zk://...
 * @param bindHost address the agent's endpoint (for executors) and HTTP API listen on ({@code 0.0.0.0}: every
 *     interface)
 * @param advertiseHost address others use to reach this agent, given to the master (never a wildcard address;
 *     see {@link io.corral.common.net.Advertisement} for the default)
 * @param port port of the agent's endpoint (0 = any free port)
 * @param advertiseHttpPort the port others reach the HTTP API at, when a NAT forwards another one to it (0 = the
 *     port it listens on). The endpoint needs no such port: only executors on this host connect to it
 * @param workDir sandboxes live under {@code <workDir>/frameworks/...}
 * @param resources what the agent offers (detected, then overridden by flags), static reservations included
 * @param attributes free-form properties passed along in offers
 * @param recoveryTimeout how long executors wait for a lost agent to come back (Mesos: 15 min)
 * @param executorRegistrationTimeout how long a started executor has to connect (fetching,
 *     once it exists, is timed separately)
 * @param executorShutdownGrace time an executor gets to stop before it is killed
 * @param commandExecutorIdleTimeout a command executor with no task left stops after this
 * @param statusUpdateRetryMin first resend delay of an unacknowledged status update
 * @param statusUpdateRetryMax longest resend delay (Mesos: 10 s to 10 min)
 * @param shutdownExecutorsOnExit whether stopping the agent also stops its executors (true
 *     for {@code corral local}; a production agent leaves them running for recovery)
 * @param javaCommand the java binary for the command executor
 * @param executorClasspath the classpath of the command executor
 * @param executorJvmOptions JVM options of the command executor
 * @param maxMessageBytes largest message accepted on the agent's streams
 * @param fetcher how URIs are fetched into sandboxes (cache, limits, timeouts, HDFS helper)
 * @param recover what a starting agent does with a checkpoint of an earlier run in
 *     {@code <workDir>/meta}
 * @param executorReregistrationTimeout after a restart, how long a recovered executor has to
 *     reconnect before it is killed and its tasks fail
 * @param httpPort port of the HTTP API (state, sandboxes): 0 = any free port, -1 = none
 * @param sandboxJanitor when finished sandboxes are removed and how executors' logs are rotated
 * @param isolation which isolators to use and how (cgroups, posix, disk)
 * @param switchUser whether an agent running as root runs executors and command tasks as their user
 *     ({@code CommandInfo.user}, else {@code FrameworkInfo.user}; Mesos' {@code --switch_user})
 * @param secretsDir where the files that environment variables name with {@code secret_file} are
 *     (null: none, such variables fail their task)
 * @param security TLS (mutual towards the master), authentication of HTTP users and executors,
 *     ACLs on sandboxes and state (null = off)
 */
public record AgentConfig(
    String master,
    String bindHost,
    String advertiseHost,
    int port,
    int advertiseHttpPort,
    Path workDir,
    PooledResources resources,
    List<Attribute> attributes,
    Duration recoveryTimeout,
    Duration executorRegistrationTimeout,
    Duration executorShutdownGrace,
    Duration commandExecutorIdleTimeout,
    Duration statusUpdateRetryMin,
    Duration statusUpdateRetryMax,
    boolean shutdownExecutorsOnExit,
    String javaCommand,
    String executorClasspath,
    List<String> executorJvmOptions,
    int maxMessageBytes,
    FetcherConfig fetcher,
    RecoverMode recover,
    Duration executorReregistrationTimeout,
    int httpPort,
    io.corral.agent.gc.SandboxJanitor.Settings sandboxJanitor,
    io.corral.agent.isolation.IsolationSettings isolation,
    boolean switchUser,
    Path secretsDir,
    io.corral.http.auth.DaemonSecurity security) {

  public static final int DEFAULT_PORT = 5051;
  /** Port of the agent's HTTP API (state, sandboxes) when none is given and the agent port is not 0. */
  public static final int DEFAULT_HTTP_PORT = 5081;

  /** The HTTP port of an agent on {@code port} that names none: 30 above it (5051 -> 5081), any when 0. */
  public static int defaultHttpPort(int port) {
    return port == 0 ? 0 : port + DEFAULT_HTTP_PORT - DEFAULT_PORT;
  }
  /** Sandboxes kept a week (less as the disk fills, Mesos' formula), logs rotated at 10 MiB, 5 files kept. */
  public static final io.corral.agent.gc.SandboxJanitor.Settings DEFAULT_JANITOR =
      new io.corral.agent.gc.SandboxJanitor.Settings(Duration.ofDays(7), 0.1, 10L * 1024 * 1024, 5);

  /** What a starting agent does with the checkpoint of an earlier run (Mesos' {@code --recover}). */
  public enum RecoverMode {
    /** Reconnect to the executors that still run, fail the tasks of those that died, keep the agent id. */
    RECONNECT,
    /** Kill the checkpointed executors, drop the checkpoint, register as a new agent. */
    CLEANUP
  }

  public AgentConfig {
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(workDir, "workDir");
    if (io.corral.common.net.Advertisement.isWildcard(advertiseHost)) {
      throw new IllegalArgumentException("cannot advertise the wildcard address " + advertiseHost
          + ": other machines cannot reach it; give the name or address they reach this host at");
    }
    if (advertiseHttpPort < 0 || advertiseHttpPort > 65535) {
      throw new IllegalArgumentException("advertised HTTP port out of range: " + advertiseHttpPort);
    }
    if (resources.isEmpty()) {
      throw new IllegalArgumentException("an agent needs some resources");
    }
    Objects.requireNonNull(recover, "recover");
    Objects.requireNonNull(isolation, "isolation");
    Objects.requireNonNull(executorReregistrationTimeout, "executorReregistrationTimeout");
    attributes = List.copyOf(attributes);
    executorJvmOptions = List.copyOf(executorJvmOptions);
  }

  /**
   * Where this agent's executors reach its endpoint: on this host, so the address it listens on, or
   * {@code 127.0.0.1} when it listens on every interface ({@code ::} included: Linux binds it for IPv4
   * too); never the advertised address, which behind a NAT may not lead back here. {@code 127.0.0.1} is
   * in every certificate {@code corral certs} makes.
   */
  public String executorHost() {
    return io.corral.common.net.Advertisement.isWildcard(bindHost) ? "127.0.0.1" : bindHost;
  }

  public static Builder builder(String master, Path workDir) {
    return new Builder(master, workDir);
  }

  /** Builder with the documented defaults. */
  public static final class Builder {
    private final String master;
    private final Path workDir;
    private io.corral.http.auth.DaemonSecurity security;
    private String bindHost = "127.0.0.1";
    private String advertiseHost;
    private int port = DEFAULT_PORT;
    private int advertiseHttpPort;
    private PooledResources resources;
    private List<Attribute> attributes = List.of();
    private Duration recoveryTimeout = Duration.ofMinutes(15);
    private Duration executorRegistrationTimeout = Duration.ofMinutes(2);
    private Duration executorShutdownGrace = Duration.ofSeconds(5);
    private Duration commandExecutorIdleTimeout = Duration.ofSeconds(10);
    private Duration statusUpdateRetryMin = Duration.ofSeconds(2);
    private Duration statusUpdateRetryMax = Duration.ofMinutes(10);
    private boolean shutdownExecutorsOnExit = false;
    private String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private String executorClasspath = absolute(System.getProperty("java.class.path"));
    private List<String> executorJvmOptions =
        List.of("-Xmx64m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");
    private int maxMessageBytes = Grpc.DEFAULT_MAX_MESSAGE_BYTES;
    private java.util.function.UnaryOperator<FetcherConfig> fetcher = f -> f;
    private String hdfsClasspath;
    private RecoverMode recover = RecoverMode.RECONNECT;
    private Duration executorReregistrationTimeout = Duration.ofSeconds(15);
    /** Unset: {@link #defaultHttpPort} of the agent's port. */
    private Integer httpPort;
    private io.corral.agent.gc.SandboxJanitor.Settings sandboxJanitor = DEFAULT_JANITOR;
    private io.corral.agent.isolation.IsolationSettings isolation = io.corral.agent.isolation.IsolationSettings.DEFAULT;
    private boolean switchUser = true;
    private Path secretsDir;

    private Builder(String master, Path workDir) {
      this.master = master;
      this.workDir = workDir;
    }

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

    /** The port others reach the HTTP API at, when it differs from the one bound (0 = the same). */
    public Builder advertiseHttpPort(int v) {
      advertiseHttpPort = v;
      return this;
    }

    public Builder sandboxJanitor(io.corral.agent.gc.SandboxJanitor.Settings v) {
      sandboxJanitor = java.util.Objects.requireNonNull(v);
      return this;
    }

    /** Port of the HTTP API: 0 = any free port, -1 = none. */
    /** Isolators and their settings (default: every isolator the host supports). */
    public Builder isolation(io.corral.agent.isolation.IsolationSettings v) {
      isolation = v;
      return this;
    }

    /** Adjusts the isolation settings. */
    public Builder isolation(java.util.function.UnaryOperator<io.corral.agent.isolation.IsolationSettings> adjust) {
      isolation = adjust.apply(isolation);
      return this;
    }

    /** Whether an agent running as root runs executors and command tasks as their user (default true). */
    public Builder switchUser(boolean v) {
      switchUser = v;
      return this;
    }

    /** Where secret files are (default: none). */
    public Builder secretsDir(Path v) {
      secretsDir = v == null ? null : v.toAbsolutePath().normalize();
      return this;
    }

    public Builder httpPort(int v) {
      if (v < -1 || v > 65535) {
        throw new IllegalArgumentException("HTTP port out of range: " + v);
      }
      httpPort = v;
      return this;
    }

    /** Unreserved resources. */
    public Builder resources(Resources v) {
      resources = v == null ? null : PooledResources.of(v);
      return this;
    }

    /** Resources with static reservations ({@code cpus(eng/etl):4;cpus:4}). */
    public Builder resources(PooledResources v) {
      resources = v;
      return this;
    }

    public Builder attributes(List<Attribute> v) {
      attributes = v;
      return this;
    }

    public Builder recoveryTimeout(Duration v) {
      recoveryTimeout = v;
      return this;
    }

    public Builder executorRegistrationTimeout(Duration v) {
      executorRegistrationTimeout = v;
      return this;
    }

    public Builder recover(RecoverMode v) {
      recover = v;
      return this;
    }

    /**
     * Time a recovered executor has to reconnect after an agent restart (default 15 s: executors
     * retry every 5 s ± 50% at most, so Mesos' 2 s would lose live executors).
     */
    public Builder executorReregistrationTimeout(Duration v) {
      executorReregistrationTimeout = v;
      return this;
    }

    public Builder executorShutdownGrace(Duration v) {
      executorShutdownGrace = v;
      return this;
    }

    public Builder commandExecutorIdleTimeout(Duration v) {
      commandExecutorIdleTimeout = v;
      return this;
    }

    public Builder statusUpdateRetry(Duration min, Duration max) {
      statusUpdateRetryMin = min;
      statusUpdateRetryMax = max;
      return this;
    }

    public Builder shutdownExecutorsOnExit(boolean v) {
      shutdownExecutorsOnExit = v;
      return this;
    }

    public Builder javaCommand(String v) {
      javaCommand = v;
      return this;
    }

    /**
     * The classpath with every entry made absolute: the command executor runs in its sandbox,
     * where a relative entry (a JVM started with {@code -cp lib/*}) would name nothing.
     */
    static String absolute(String classpath) {
      java.util.StringJoiner out = new java.util.StringJoiner(java.io.File.pathSeparator);
      for (String entry : classpath.split(java.io.File.pathSeparator)) {
        if (!entry.isEmpty()) {
          out.add(Path.of(entry).toAbsolutePath().toString());
        }
      }
      return out.toString();
    }

    public Builder executorClasspath(String v) {
      executorClasspath = v;
      return this;
    }

    public Builder executorJvmOptions(List<String> v) {
      executorJvmOptions = v;
      return this;
    }

    public Builder maxMessageBytes(int v) {
      maxMessageBytes = v;
      return this;
    }

    /** Adjusts the fetcher's settings (the defaults: cache under the work dir, 2 GiB, ...). */
    public Builder fetcher(java.util.function.UnaryOperator<FetcherConfig> adjust) {
      fetcher = adjust;
      return this;
    }

    /**
     * Classpath of the HDFS helper process (Hadoop's client jars and the fetcher). Default: the
     * distribution's {@code lib/*:lib/hdfs/*} when run from it, else this JVM's classpath.
     */
    public Builder hdfsClasspath(String v) {
      hdfsClasspath = v;
      return this;
    }

    public Builder security(io.corral.http.auth.DaemonSecurity v) {
      security = v;
      return this;
    }

    public AgentConfig build() {
      PooledResources r = resources == null
          ? PooledResources.of(ResourceDetector.detect(workDir)) : resources;
      String advertise = advertiseHost != null ? advertiseHost
          : io.corral.common.net.Advertisement.choose(bindHost, null, io.corral.common.net.Machine.THIS).host();
      return new AgentConfig(master, bindHost, advertise, port, advertiseHttpPort, workDir, r, attributes, recoveryTimeout,
          executorRegistrationTimeout, executorShutdownGrace, commandExecutorIdleTimeout,
          statusUpdateRetryMin, statusUpdateRetryMax, shutdownExecutorsOnExit, javaCommand,
          executorClasspath, executorJvmOptions, maxMessageBytes,
          fetcher.apply(FetcherConfig.defaults(workDir.toAbsolutePath().resolve("cache"),
              HdfsSupport.java(javaCommand, hdfsClasspath != null ? hdfsClasspath : HdfsSupport.defaultClasspath(),
                  java.util.Map.of()))), recover, executorReregistrationTimeout,
          httpPort != null ? httpPort : defaultHttpPort(port), sandboxJanitor, isolation, switchUser, secretsDir,
          security);
    }
  }
}
