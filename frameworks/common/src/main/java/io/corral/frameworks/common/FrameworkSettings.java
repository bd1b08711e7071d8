package io.corral.frameworks.common;

import io.corral.common.detect.ZkUrl;
import io.corral.common.net.HostPort;
import io.corral.common.roles.RoleNames;
import io.corral.common.security.ClientCredentials;
import io.corral.common.security.ZkDigest;
import io.corral.http.HttpLimits;
import io.corral.http.auth.Acls;
import io.corral.http.auth.HttpSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a built-in framework's instance runs: what every one takes on its command line
 * ({@link FrameworkOptions}) once checked. Built with {@link #builder}.
 *
 * @param name the framework's short name ({@code services}): its printed line, threads, defaults
 * @param frameworkName the name the master shows ({@code FrameworkInfo.name})
 * @param master the master: {@code host:port} or {@code zk://...}
 * @param zk where the instances elect a leader and keep their state; null: one instance, state in {@code workDir}
 * @param workDir where the state is without {@code zk}
 * @param bindHost what the HTTP server binds ({@code 0.0.0.0}: every interface)
 * @param httpPort its port; 0: any free one
 * @param advertiseHost the host others reach it at (in its URL)
 * @param role the role its tasks run in ({@code *}: the default role)
 * @param failoverTimeout how long the master keeps the framework's tasks while no instance is subscribed
 * @param zkSessionTimeout the instances' ZooKeeper session timeout
 * @param zkDigest the instances' ZooKeeper identity, or null
 * @param credentials what it presents to the master
 * @param httpLimits its HTTP server's limits
 * @param httpSecurity HTTPS and authentication of its API, or null (plain HTTP)
 * @param acls who may do what through its API ({@link Acls#PERMISSIVE} without security)
 * @param peerPrincipal the principal of the instances' own certificate: a request authenticated with it
 *     that names a caller in {@code X-Corral-On-Behalf-Of} is a fellow instance passing its caller's
 *     request on ({@link io.corral.frameworks.common.http.LeaderProxy}); null without security
 */
public record FrameworkSettings(String name, String frameworkName, String master, ZkUrl zk, Path workDir,
    String bindHost, int httpPort, String advertiseHost, String role, Duration failoverTimeout,
    Duration zkSessionTimeout, ZkDigest zkDigest, ClientCredentials credentials, HttpLimits httpLimits,
    HttpSecurity httpSecurity, Acls acls, String peerPrincipal) {
  /** Marathon's default failover timeout: a week without an instance before the master kills the tasks. */
  public static final Duration FAILOVER_TIMEOUT = Duration.ofDays(7);
  /**
   * The daemons' limits, with bodies up to what the state store keeps under one key, and more
   * connections from one address: a standby passes each of its clients' event streams on to the
   * leader over a connection of its own, all from its one address.
   */
  public static final HttpLimits HTTP_LIMITS = new HttpLimits(HttpLimits.DEFAULTS.maxUriChars(),
      HttpLimits.DEFAULTS.maxHeaderBytes(), 1 << 20, HttpLimits.DEFAULTS.requestTimeout(),
      HttpLimits.DEFAULTS.idleTimeout(), HttpLimits.DEFAULTS.writeTimeout(), 512, 2048,
      HttpLimits.DEFAULTS.workers(), HttpLimits.DEFAULTS.queuedRequests());

  public FrameworkSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(frameworkName, "frameworkName");
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(advertiseHost, "advertiseHost");
    Objects.requireNonNull(failoverTimeout, "failoverTimeout");
    Objects.requireNonNull(zkSessionTimeout, "zkSessionTimeout");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(httpLimits, "httpLimits");
    Objects.requireNonNull(acls, "acls");
    if (!master.startsWith("zk://")) {
      HostPort.parse(master); // a malformed master fails here, with its reason
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("an HTTP port is 0 (any free one) to 65535, not " + httpPort);
    }
    RoleNames.check(role);
    if (failoverTimeout.isNegative()) {
      throw new IllegalArgumentException("the failover timeout cannot be negative: " + failoverTimeout);
    }
  }

  /** What the framework subscribes as: its name, role, failover timeout and hostname; checkpointing. */
  public io.corral.protocol.FrameworkInfo frameworkInfo() {
    return io.corral.protocol.FrameworkInfo.newBuilder().setName(frameworkName()).setRole(role())
        .setFailoverTimeout(failoverTimeout().toMillis() / 1000.0).setCheckpoint(true)
        .setHostname(advertiseHost()).build();
  }

  /** Where a framework named {@code name} keeps its state by default: {@code ./corral-<name>}. */
  public static Path defaultWorkDir(String name) {
    return Path.of("corral-" + name);
  }

  /**
   * {@code url} ({@code zk://host:port[,host:port...][/path]}) as the framework's ZooKeeper location;
   * without a path, {@code /corral-<name>} (the masters' default, {@code /corral}, is theirs).
   */
  public static ZkUrl zkUrl(String url, String name) {
    ZkUrl parsed = ZkUrl.parse(url);
    String hosts = url.startsWith("zk://") ? url.substring("zk://".length()) : url;
    return hosts.indexOf('/') < 0 ? new ZkUrl(parsed.connectString(), "/corral-" + name) : parsed;
  }

  /** Settings with every default: one instance on {@code localhost}, any free port, state in {@code ./corral-<name>}. */
  public static Builder builder(String name, String master) {
    return new Builder(name, master);
  }

  public Builder toBuilder() {
    Builder b = new Builder(name, master);
    b.frameworkName = frameworkName;
    b.zk = zk;
    b.workDir = workDir;
    b.bindHost = bindHost;
    b.httpPort = httpPort;
    b.advertiseHost = advertiseHost;
    b.role = role;
    b.failoverTimeout = failoverTimeout;
    b.zkSessionTimeout = zkSessionTimeout;
    b.zkDigest = zkDigest;
    b.credentials = credentials;
    b.httpLimits = httpLimits;
    b.httpSecurity = httpSecurity;
    b.acls = acls;
    b.peerPrincipal = peerPrincipal;
    return b;
  }

  /** Settings one by one. */
  public static final class Builder {
    private final String name;
    private final String master;
    private String frameworkName;
    private ZkUrl zk;
    private Path workDir;
    private String bindHost = "127.0.0.1";
    private int httpPort;
    private String advertiseHost = "127.0.0.1";
    private String role = "*";
    private Duration failoverTimeout = FAILOVER_TIMEOUT;
    private Duration zkSessionTimeout = Duration.ofSeconds(10);
    private ZkDigest zkDigest;
    private ClientCredentials credentials = ClientCredentials.NONE;
    private HttpLimits httpLimits = HTTP_LIMITS;
    private HttpSecurity httpSecurity;
    private Acls acls = Acls.PERMISSIVE;
    private String peerPrincipal;

    private Builder(String name, String master) {
      this.name = name;
      this.master = master;
      this.frameworkName = name;
      this.workDir = defaultWorkDir(name);
    }

    public Builder frameworkName(String v) {
      frameworkName = v;
      return this;
    }

    public Builder zk(ZkUrl v) {
      zk = v;
      return this;
    }

    public Builder workDir(Path v) {
      workDir = v;
      return this;
    }

    /** Binds {@code bind} and is reached at {@code advertise}. */
    public Builder host(String bind, String advertise) {
      bindHost = bind;
      advertiseHost = advertise;
      return this;
    }

    public Builder httpPort(int v) {
      httpPort = v;
      return this;
    }

    public Builder role(String v) {
      role = v;
      return this;
    }

    public Builder failoverTimeout(Duration v) {
      failoverTimeout = v;
      return this;
    }

    public Builder zkSessionTimeout(Duration v) {
      zkSessionTimeout = v;
      return this;
    }

    public Builder zkDigest(ZkDigest v) {
      zkDigest = v;
      return this;
    }

    public Builder credentials(ClientCredentials v) {
      credentials = v;
      return this;
    }

    public Builder httpLimits(HttpLimits v) {
      httpLimits = v;
      return this;
    }

    public Builder httpSecurity(HttpSecurity v) {
      httpSecurity = v;
      return this;
    }

    /**
     * Serves the API over HTTPS with {@code http} (callers authenticated), allows what {@code acls}
     * allow, and takes requests that fellow instances pass on (authenticated with the certificate
     * of {@code peerPrincipal}) as their callers'.
     */
    public Builder security(HttpSecurity http, Acls acls, String peerPrincipal) {
      this.httpSecurity = http;
      this.acls = acls;
      this.peerPrincipal = peerPrincipal;
      return this;
    }

    public FrameworkSettings build() {
      return new FrameworkSettings(name, frameworkName, master, zk, workDir, bindHost, httpPort, advertiseHost, role,
          failoverTimeout, zkSessionTimeout, zkDigest, credentials, httpLimits, httpSecurity, acls, peerPrincipal);
    }
  }
}
