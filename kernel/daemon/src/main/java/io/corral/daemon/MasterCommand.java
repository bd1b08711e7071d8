package io.corral.daemon;

import io.corral.command.CliException;
import io.corral.command.DurationConverter;
import io.corral.common.security.ZkDigest;
import io.corral.master.Master;
import io.corral.master.MasterConfig;
import io.corral.master.lifecycle.MasterPhase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code corral master}: runs a master in the foreground. */
@Command(name = "master", mixinStandardHelpOptions = true,
    description = "Run a master. Prints 'master: <host>:<port>' once it serves.")
public final class MasterCommand implements Callable<Integer> {
  @Option(names = "--port", description = "Port to listen on (default ${DEFAULT-VALUE}; 0 = any).")
  int port = MasterConfig.DEFAULT_PORT;

  @Option(names = "--http-port",
      description = "Port of the HTTP API, web UI and /metrics (default: --port + 30, i.e. "
          + MasterConfig.DEFAULT_HTTP_PORT + "; any free port when --port is 0; -1 = none).")
  Integer httpPort;

  @Option(names = "--drain-grace-period", converter = DurationConverter.class, defaultValue = "1min",
      description = "Time a draining agent's tasks get before they are killed, unless the drain names one "
          + "(default ${DEFAULT-VALUE}).")
  Duration drainGracePeriod;

  @Option(names = "--preemption", negatable = true, arity = "0..1", defaultValue = "true", fallbackValue = "true",
      description = "Preempt tasks of roles above their guarantee for roles below theirs, after a notice "
          + "(default ${DEFAULT-VALUE}; --no-preemption or --preemption=false turns it off).")
  boolean preemption;

  @Option(names = "--preemption-grace", converter = DurationConverter.class, defaultValue = "10s",
      description = "Time between a preemption notice and the kill of the tasks it names (default ${DEFAULT-VALUE}).")
  Duration preemptionGrace;

  @Option(names = "--host", description = "Address to listen on (default ${DEFAULT-VALUE}: every interface).")
  String host = Addresses.EVERY_INTERFACE;

  @Option(names = "--advertise-host", description = "The name or address other machines reach this master at: "
      + "published in ZooKeeper, to agents and frameworks, on /health and the API (default: --host when it is one "
      + "address; else this host's name when it resolves to a non-loopback address of this host; else its first "
      + "non-loopback address). Never 0.0.0.0.")
  String advertiseHost;

  @Option(names = "--advertise-port", description = "The port others reach --port at, when a NAT or proxy forwards "
      + "another one to it (default: --port).")
  Integer advertisePort;

  @Option(names = "--advertise-http-port", description = "The port others reach --http-port at, when a NAT or "
      + "proxy forwards another one to it (default: --http-port).")
  Integer advertiseHttpPort;

  @Option(names = "--zk", description = "zk://host:port[,host:port]/path: join the leader election there.")
  String zk;

  @Option(names = "--zk-secret-file",
      description = "File holding 'user:password', the masters' ZooKeeper identity (digest): their znodes become "
          + "theirs to change and anyone's to read. All masters of a cluster use the same one.")
  Path zkSecretFile;

  @Option(names = "--work-dir", description = "Directory for the master's files (default ${DEFAULT-VALUE}).")
  Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "corral-master");

  @Option(names = "--agent-ping-timeout", converter = DurationConverter.class, defaultValue = "15s",
      description = "Time to wait for an agent's pong (default ${DEFAULT-VALUE}).")
  Duration agentPingTimeout;

  @Option(names = "--max-agent-ping-timeouts",
      description = "Missed pings before an agent is unreachable (default ${DEFAULT-VALUE}).")
  int maxAgentPingTimeouts = 5;

  @Option(names = "--allocation-interval", converter = DurationConverter.class, defaultValue = "1s",
      description = "Period of the full allocation cycle (default ${DEFAULT-VALUE}).")
  Duration allocationInterval;

  @Option(names = "--offer-timeout", converter = DurationConverter.class, defaultValue = "30s",
      description = "Idle offers are rescinded after this (default ${DEFAULT-VALUE}).")
  Duration offerTimeout;

  @Option(names = "--default-failover-timeout", converter = DurationConverter.class, defaultValue = "7d",
      description = "Failover timeout of frameworks that set none (default ${DEFAULT-VALUE}).")
  Duration defaultFailoverTimeout;

  @Option(names = "--zk-session-timeout", converter = DurationConverter.class, defaultValue = "10s",
      description = "ZooKeeper session timeout in an election (default ${DEFAULT-VALUE}).")
  Duration zkSessionTimeout;

  @Option(names = "--agent-reregister-timeout", converter = DurationConverter.class, defaultValue = "10min",
      description = "After a failover, how long to wait for known agents to re-register before marking them "
          + "unreachable (default ${DEFAULT-VALUE}).")
  Duration agentReregisterTimeout;

  @Option(names = "--agent-gone-timeout", converter = DurationConverter.class, defaultValue = "0",
      description = "Remove agents unreachable for this long for good: their tasks are reported TASK_GONE and, "
          + "if they come back, they must drop them (default ${DEFAULT-VALUE}: never).")
  Duration agentGoneTimeout;

  @Option(names = "--weights", converter = SpecChecks.Weights.class,
      description = "Role weights, e.g. 'analytics=1,prod=3'.")
  String weights;

  @Option(names = "--scheduler-task-share", converter = SpecChecks.Share.class, defaultValue = "0.1",
      description = "The fraction of each resource of the cluster that frameworks' own schedulers run as tasks "
          + "(an application master, a cluster-mode Spark driver) may hold together; one always may run "
          + "(default ${DEFAULT-VALUE}).")
  double schedulerTaskShare;

  @Option(names = "--max-message-size", description = "Largest message accepted, in bytes (default ${DEFAULT-VALUE}).")
  int maxMessageBytes = io.corral.common.net.Grpc.DEFAULT_MAX_MESSAGE_BYTES;

  @picocli.CommandLine.Mixin DaemonSecurityOptions security;

  @Override
  public Integer call() throws Exception {
    String advertised = Addresses.advertise("master", host, advertiseHost);
    Path log = DaemonLogs.start(port == MasterConfig.DEFAULT_PORT ? "master" : "master-" + port); // several on one host
    MasterConfig.Builder b = MasterConfig.builder().port(port).bindHost(host).advertiseHost(advertised)
        .advertisePort(Addresses.port("--advertise-port", advertisePort))
        .advertiseHttpPort(Addresses.port("--advertise-http-port", advertiseHttpPort)).zk(zk).workDir(workDir)
        .agentPingTimeout(agentPingTimeout).maxAgentPingTimeouts(maxAgentPingTimeouts)
        .allocationInterval(allocationInterval).offerTimeout(offerTimeout)
        .defaultFailoverTimeout(defaultFailoverTimeout).roleWeights(parseWeights(weights))
        .schedulerTaskShare(schedulerTaskShare)
        .maxMessageBytes(maxMessageBytes).zkSessionTimeout(zkSessionTimeout)
        .agentReregisterTimeout(agentReregisterTimeout).agentGoneTimeout(agentGoneTimeout)
        .drainGracePeriod(drainGracePeriod).preemption(preemption).preemptionGrace(preemptionGrace)
        .security(security.load("master")).zkDigest(zkDigest());
    if (httpPort != null) {
      b.httpPort(httpPort);
    }
    Master master = new Master(b.build());
    if (zk != null) {
      // One readiness line per role: "(standby)" while waiting, "(leader)" once elected.
      master.onPhaseChange(phase -> {
        if (phase == MasterPhase.RECOVERING) {
          System.out.println("master: " + master.address() + " (leader)");
          System.out.flush();
        }
      });
    }
    master.start();
    if (zk == null) {
      System.out.println("master: " + master.address());
    } else if (!master.isLeading()) {
      System.out.println("master: " + master.address() + " (standby)");
    }
    if (master.httpUrl() != null) {
      System.out.println("http: " + master.httpUrl());
    }
    System.out.flush();
    // Until SIGTERM/Ctrl-C, or until the master must end (session or leadership lost).
    int code = Daemons.runUntilStopped(master::close, master.terminated());
    if (code != 0) {
      throw new CliException(code, "exits with code " + code + ": " + master.exitReason() + DaemonLogs.details(log));
    }
    return code;
  }

  private ZkDigest zkDigest() {
    if (zkSecretFile == null) {
      return null;
    }
    if (zk == null) {
      throw new CliException(2, "--zk-secret-file needs --zk");
    }
    try {
      return ZkDigest.load(zkSecretFile);
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new CliException(2, e.getMessage());
    }
  }

  static Map<String, Double> parseWeights(String spec) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return out;
    }
    for (String item : spec.split(",")) {
      String[] kv = item.trim().split("=", 2);
      if (kv.length != 2 || kv[0].isBlank()) {
        throw new IllegalArgumentException("expected role=weight in '" + item.trim() + "'");
      }
      String role = kv[0].trim();
      String invalid = io.corral.common.roles.RoleNames.problem(role);
      if (invalid != null) {
        throw new IllegalArgumentException(invalid);
      }
      double weight;
      try {
        weight = Double.parseDouble(kv[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "weight of role '" + role + "' is not a number: '" + kv[1].trim() + "'");
      }
      if (out.put(role, weight) != null) {
        throw new IllegalArgumentException("role '" + role + "' given twice in '" + spec + "'");
      }
    }
    return out;
  }
}
