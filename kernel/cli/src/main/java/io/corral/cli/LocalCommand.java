package io.corral.cli;

import io.corral.command.DurationConverter;
import io.corral.daemon.DaemonLogs;
import io.corral.daemon.Daemons;
import io.corral.local.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code corral local}: a master and N agents on this machine. */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = "Start a master and N agents on this machine (each agent a separate process, resources "
        + "split between them, but each offers at least 1 cpu). Prints what each agent offers, then "
        + "'master: <host>:<port>' once all agents are registered; Ctrl-C stops everything.")
final class LocalCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--agents", description = "Number of agents (default ${DEFAULT-VALUE}).")
  int agents = 3;

  @Option(names = "--port", description = "Master port (default ${DEFAULT-VALUE}; 0 = any).")
  int port = 5050;

  @Option(names = "--http-port",
      description = "Port of the master's HTTP API and web UI (default: --port + 30, i.e. 5080; any free port "
          + "when --port is 0).")
  Integer httpPort;

  @Option(names = "--work-dir", description = "Work directory (default: a new temporary directory).")
  Path workDir;

  @Option(names = "--agent-ping-timeout", converter = DurationConverter.class, defaultValue = "15s",
      description = "Time to wait for an agent's pong (default ${DEFAULT-VALUE}).")
  Duration agentPingTimeout;

  @Option(names = "--in-process", description = "Run the agents inside this JVM instead of as processes.")
  boolean inProcess;

  @Override
  public Integer call() throws Exception {
    DaemonLogs.start("local");
    if (agents < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--agents must be at least 1");
    }
    LocalCluster cluster = start(agents, port, httpPort != null ? httpPort
        : io.corral.master.MasterConfig.defaultHttpPort(port), workDir, inProcess, agentPingTimeout);
    System.out.println(agentsLine(cluster, agents, Runtime.getRuntime().availableProcessors()));
    System.out.println("master: " + cluster.masterAddress());
    System.out.println("http: " + cluster.master().httpUrl());
    System.out.flush();
    Daemons.runUntilStopped(cluster::close);
    return 0;
  }

  /**
   * What the agents offer, e.g. {@code agents: 3, each cpus:1;disk:9000;mem:2600 and ports of its own
   * (at least 1 cpu each: more than its share of this machine's 2 cpus, so that tasks of a whole cpu fit)}.
   */
  static String agentsLine(LocalCluster cluster, int agents, int machineCpus) {
    String line = "agents: " + agents + ", each " + cluster.agentResources(0).scalarsOnly() + " and ports of its own";
    double min = LocalCluster.DEFAULT_MIN_AGENT_CPUS;
    if (machineCpus < agents * min) {
      line += " (at least " + (long) min + " cpu each: more than its share of this machine's " + machineCpus
          + " cpus, so that tasks of a whole cpu fit)";
    }
    return line;
  }

  static LocalCluster start(int agents, int port, int httpPort, Path workDir, boolean inProcess,
      Duration pingTimeout)
      throws java.io.IOException {
    Path dir = workDir != null ? workDir : Files.createTempDirectory("corral-local-");
    List<String> agentArgs = new ArrayList<>();
    agentArgs.addAll(List.of("--command-executor-idle-timeout", "30s"));
    return LocalCluster.builder(dir).agents(agents).masterPort(port)
        .mode(inProcess ? LocalCluster.Mode.IN_PROCESS : LocalCluster.Mode.PROCESSES)
        .agentMain(CorralMain.class, "agent")
        .masterConfig(m -> m.agentPingTimeout(pingTimeout).workDir(dir.resolve("master")).httpPort(httpPort))
        .agentConfig(a -> a.shutdownExecutorsOnExit(true))
        .agentArgs(agentArgs)
        .start();
  }
}
