package io.corral.daemon;

import io.corral.agent.Agent;
import io.corral.agent.AgentConfig;
import io.corral.agent.RecoveryRefusedException;
import io.corral.agent.ResourceDetector;
import io.corral.command.CommandLines;
import io.corral.command.DurationConverter;
import io.corral.command.SizeConverter;
import io.corral.common.resources.Attributes;
import io.corral.fetcher.FetcherConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral agent}: runs an agent in the foreground. The CLI adds its subcommands ({@code drain},
 * {@code undrain}: operator commands, which act through the master); {@link #main} runs it alone.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = {"Run an agent. Prints 'agent: <agent-id> registered with <host>:<port>' once registered"
        + " (again, with the same id, after recovering its checkpoint; and with a new id when the master removed"
        + " it for good and it registered anew).",
        "Exit status: 0 stopped, 1 refused by the master or failed to start, "
            + RecoveryRefusedException.EXIT_CODE + " could not recover the checkpoint in <work-dir>/meta"
            + " (e.g. its resources changed; nothing was modified).",
        "With a subcommand, acts on a running agent through the master instead: drain, undrain."})
public final class AgentCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--master", description = "The master: host:port or zk://host:port/path (required to run an agent; default: master= in "
      + "corral.properties, or $CORRAL_MASTER).")
  String master;

  @Option(names = "--port", description = "Port of the agent's endpoint (default ${DEFAULT-VALUE}; 0 = any).")
  int port = AgentConfig.DEFAULT_PORT;

  @Option(names = "--http-port", description = "Port of the agent's HTTP API: state, sandbox files, log tails "
      + "(default: --port + 30, i.e. " + AgentConfig.DEFAULT_HTTP_PORT + "; any free port when --port is 0; -1 = none).")
  Integer httpPort;

  @Option(names = "--host", description = "Address to listen on (default ${DEFAULT-VALUE}: every interface).")
  String host = Addresses.EVERY_INTERFACE;

  @Option(names = "--advertise-host", description = "The name or address other machines reach this agent at: its "
      + "hostname in offers, the API and its HTTP URL, and CORRAL_AGENT_HOSTNAME of its executors (default: --host "
      + "when it is one address; else this host's name when it resolves to a non-loopback address of this host; "
      + "else its first non-loopback address). Never 0.0.0.0.")
  String advertiseHost;

  @Option(names = "--advertise-http-port", description = "The port others reach --http-port at, when a NAT or proxy "
      + "forwards another one to it (default: --http-port). The agent's own --port needs none: only executors on "
      + "this host connect to it.")
  Integer advertiseHttpPort;

  @Option(names = "--work-dir", description = "Sandboxes go here (default ${DEFAULT-VALUE}).")
  Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "corral-agent");

  @Option(names = "--resources", converter = SpecChecks.Resources.class,
      description = "Resources to offer, replacing detected ones by name, e.g. 'cpus:4;mem:8192;ports:[31000-32000]'. "
          + "A name followed by (role) is reserved to that role (static reservation): offered only to frameworks of "
          + "the role and its sub-roles, e.g. 'cpus(eng/etl):4;mem(eng/etl):8192;cpus:4;mem:8192'.")
  String resources;

  @Option(names = "--attributes", converter = SpecChecks.Attributes.class,
      description = "Attributes, e.g. 'rack:r1;zone:a'.")
  String attributes;

  @Option(names = "--gc-delay", converter = DurationConverter.class, defaultValue = "7d",
      description = "How long finished executors' sandboxes are kept on an empty disk; as the disk fills, "
          + "delay x max(0, 1 - headroom - disk usage) (default ${DEFAULT-VALUE}).")
  Duration gcDelay;

  @Option(names = "--gc-disk-headroom", defaultValue = "0.1",
      description = "Free fraction of the disk below which finished sandboxes are removed at once "
          + "(default ${DEFAULT-VALUE}).")
  double gcDiskHeadroom;

  @Option(names = "--executor-log-max-size", converter = SizeConverter.class, defaultValue = "10m",
      description = "stdout/stderr of executors and tasks are rotated past this size (default ${DEFAULT-VALUE}).")
  long executorLogMaxSize;

  @Option(names = "--executor-log-files", defaultValue = "5",
      description = "Log files kept per stream, the live one included (default ${DEFAULT-VALUE}).")
  int executorLogFiles;

  @Option(names = "--recovery-timeout", converter = DurationConverter.class, defaultValue = "15min",
      description = "How long executors wait for a lost agent (default ${DEFAULT-VALUE}).")
  Duration recoveryTimeout;

  @Option(names = "--executor-registration-timeout", converter = DurationConverter.class, defaultValue = "2min",
      description = "Time a started executor has to connect (default ${DEFAULT-VALUE}).")
  Duration registrationTimeout;

  @Option(names = "--executor-shutdown-grace", converter = DurationConverter.class, defaultValue = "5s",
      description = "Time an executor gets to stop (default ${DEFAULT-VALUE}).")
  Duration shutdownGrace;

  @Option(names = "--command-executor-idle-timeout", converter = DurationConverter.class, defaultValue = "10s",
      description = "A command executor with no tasks stops after this (default ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(names = "--fetcher-cache-dir", description = "Where fetched URIs are cached (default: <work-dir>/cache).")
  Path fetcherCacheDir;

  @Option(names = "--fetcher-cache-size", converter = SizeConverter.class, defaultValue = "2g",
      description = "Size limit of the fetch cache; least recently used entries go (default ${DEFAULT-VALUE}).")
  long fetcherCacheSize;

  @Option(names = "--fetcher-max-size", converter = SizeConverter.class, defaultValue = "2g",
      description = "Largest download of one URI (default ${DEFAULT-VALUE}).")
  long fetcherMaxSize;

  @Option(names = "--fetcher-max-extracted-size", converter = SizeConverter.class, defaultValue = "8g",
      description = "Largest total one archive may unpack to (default ${DEFAULT-VALUE}).")
  long fetcherMaxExtracted;

  @Option(names = "--fetcher-stall-timeout", converter = DurationConverter.class, defaultValue = "1min",
      description = "A download that receives nothing for this long fails (default ${DEFAULT-VALUE}).")
  Duration fetcherStallTimeout;

  @Option(names = "--hdfs-classpath",
      description = "Classpath of the HDFS helper process (default: the distribution's lib/*:lib/hdfs/*). "
          + "HADOOP_CONF_DIR is passed on to it.")
  String hdfsClasspath;

  @Option(names = "--recover", defaultValue = "reconnect",
      description = "What to do with the checkpoint of an earlier run in <work-dir>/meta: 'reconnect' (default) takes"
          + " back its executors and tasks under the same agent id (the resources, attributes and port must not have"
          + " changed); 'cleanup' kills its executors, removes it and registers as a new agent.")
  String recover;

  @Option(names = "--executor-reregistration-timeout", converter = DurationConverter.class, defaultValue = "15s",
      description = "After a restart, how long a recovered executor has to reconnect before it is killed and its"
          + " tasks fail (default ${DEFAULT-VALUE}).")
  Duration reregistrationTimeout;

  @Option(names = "--shutdown-executors-on-exit",
      description = "Stop executors and tasks when the agent stops (default: leave them for recovery).")
  boolean shutdownExecutorsOnExit;

  @Option(names = "--isolation", defaultValue = "default",
      description = "Isolators, comma-separated: cgroups/cpu, cgroups/mem, cgroups/pids, disk/du, posix/cpu, posix/mem"
          + " (default: every one this host supports; where cgroups are not writable, posix/* stand in). One that"
          + " is asked for and cannot work stops the agent with the reason.")
  String isolation;

  @Option(names = "--cgroups-root", defaultValue = "corral",
      description = "Where executors' cgroups go, as <root>/<agent-id>/<container-id>: relative to the agent's own"
          + " cgroup, or from each hierarchy's root if it starts with '/' (default ${DEFAULT-VALUE}).")
  String cgroupsRoot;

  @Option(names = "--cgroups-enable-cfs",
      description = "Cap each executor and command task at its cpus with the CFS quota (default: CPU is only weighted).")
  boolean cgroupsEnableCfs;

  @Option(names = "--cgroups-pids-limit", defaultValue = "4096",
      description = "Most processes and threads in one executor's (or command task's) cgroup (default ${DEFAULT-VALUE}).")
  long cgroupsPidsLimit;

  @Option(names = "--disk-watch-interval", converter = DurationConverter.class, defaultValue = "15s",
      description = "How often disk/du measures sandboxes against their disk (default ${DEFAULT-VALUE}).")
  Duration diskWatchInterval;

  @Option(names = "--switch-user", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "When the agent runs as root: run executors and command tasks as their user (CommandInfo.user,"
          + " else FrameworkInfo.user), in sandboxes only that user can read; a user the host does not have fails the"
          + " task. --no-switch-user runs everything as the agent's user (default ${DEFAULT-VALUE}).")
  boolean switchUser;

  @Option(names = "--secrets-dir", paramLabel = "DIR",
      description = "Where the files that environment variables name with secret_file are (keep it root's, 0700;"
          + " default: <conf dir>/secrets when run from the distribution, else none).")
  Path secretsDir;

  /** The secrets directory: given, else the distribution's {@code conf/secrets}, else none. */
  private Path secretsDir() {
    if (secretsDir != null) {
      return secretsDir;
    }
    String confDir = System.getProperty("corral.conf.dir");
    return confDir == null || confDir.isEmpty() ? null : Path.of(confDir, "secrets");
  }

  private io.corral.agent.isolation.IsolationSettings isolationSettings() {
    try {
      io.corral.agent.isolation.IsolationSettings d = io.corral.agent.isolation.IsolationSettings.DEFAULT;
      return new io.corral.agent.isolation.IsolationSettings(
          io.corral.agent.isolation.IsolationSettings.parse(isolation), cgroupsRoot, cgroupsEnableCfs,
          cgroupsPidsLimit, d.commandExecutorOverhead(), d.watchInterval(), diskWatchInterval);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private AgentConfig.RecoverMode recoverMode(String v) {
    return switch (v) {
      case "reconnect" -> AgentConfig.RecoverMode.RECONNECT;
      case "cleanup" -> AgentConfig.RecoverMode.CLEANUP;
      default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--recover must be 'reconnect' or 'cleanup', not '" + v + "'");
    };
  }

  private io.corral.agent.gc.SandboxJanitor.Settings janitorSettings() {
    try {
      return new io.corral.agent.gc.SandboxJanitor.Settings(gcDelay, gcDiskHeadroom, executorLogMaxSize,
          executorLogFiles);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @picocli.CommandLine.Mixin DaemonSecurityOptions security;

  /**
   * Runs an agent as {@code corral agent} does, from its options alone (no settings file, no
   * {@code CORRAL_AGENT_*} variables): how {@code LocalCluster} starts its agent processes
   * wherever the {@code corral} command is not on the classpath.
   */
  public static void main(String[] args) {
    ConsoleLogs.configure(false);
    System.exit(CommandLines.withOneLineErrors(new picocli.CommandLine(new AgentCommand())).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (master == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "Missing required option: '--master=<master>'");
    }
    String advertised = Addresses.advertise("agent", host, advertiseHost);
    Path log = DaemonLogs.start(port == AgentConfig.DEFAULT_PORT ? "agent" : "agent-" + port); // several on one host
    io.corral.common.resources.PooledResources given = io.corral.common.resources.PooledResources.parse(resources);
    AgentConfig.Builder b = AgentConfig.builder(master, workDir).port(port).bindHost(host).advertiseHost(advertised)
        .advertiseHttpPort(Addresses.port("--advertise-http-port", advertiseHttpPort))
        .httpPort(httpPort != null ? httpPort : AgentConfig.defaultHttpPort(port))
        .resources(ResourceDetector.detectWithOverrides(workDir, given))
        .attributes(Attributes.parse(attributes)).recoveryTimeout(recoveryTimeout)
        .sandboxJanitor(janitorSettings()).isolation(isolationSettings())
        .executorRegistrationTimeout(registrationTimeout).executorShutdownGrace(shutdownGrace)
        .commandExecutorIdleTimeout(idleTimeout).shutdownExecutorsOnExit(shutdownExecutorsOnExit)
        .recover(recoverMode(recover)).executorReregistrationTimeout(reregistrationTimeout)
        .switchUser(switchUser).secretsDir(secretsDir())
        .security(security.load("agent"));
    if (hdfsClasspath != null) {
      b.hdfsClasspath(hdfsClasspath);
    }
    b.fetcher(f -> new FetcherConfig(fetcherCacheDir != null ? fetcherCacheDir.toAbsolutePath() : f.cacheDir(),
        fetcherCacheSize, fetcherMaxSize, fetcherMaxExtracted, f.connectTimeout(), fetcherStallTimeout,
        f.totalTimeout(), f.hdfs()));
    Agent agent = new Agent(b.build()).onRegistered(line -> {
      System.out.println("agent: " + line);
      System.out.flush();
    });
    try {
      agent.start();
    } catch (io.corral.agent.isolation.IsolationException e) {
      System.err.println("corral agent: " + e.getMessage());
      agent.close();
      return 1;
    } catch (RecoveryRefusedException e) {
      System.err.println("corral agent: " + e.getMessage());
      agent.close();
      return RecoveryRefusedException.EXIT_CODE;
    }
    Thread main = Thread.currentThread();
    agent.fatal().whenComplete((v, error) -> {
      if (error != null) {
        main.interrupt();
      }
    });
    try {
      Daemons.runUntilStopped(agent::close);
    } finally {
      if (agent.fatal().isCompletedExceptionally()) {
        try {
          agent.fatal().get();
        } catch (ExecutionException e) {
          System.err.println("corral agent: " + e.getCause().getMessage() + DaemonLogs.details(log));
        }
        agent.close();
        return 1;
      }
    }
    return 0;
  }
}
