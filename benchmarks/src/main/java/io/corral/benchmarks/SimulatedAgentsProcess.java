package io.corral.benchmarks;

import io.corral.common.net.HostPort;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Starts {@link SimulatedAgents} in a child JVM and waits until all of them are registered. */
final class SimulatedAgentsProcess implements AutoCloseable {
  /** Resources of each simulated agent. */
  static final String AGENT_RESOURCES = "cpus:8;mem:32768;ports:[31000-32000]";

  private final ChildJvm jvm;
  private final double registerSeconds;

  private SimulatedAgentsProcess(ChildJvm jvm, double registerSeconds) {
    this.jvm = jvm;
    this.registerSeconds = registerSeconds;
  }

  /**
   * @param agentsPerChannel streams multiplexed on each gRPC channel (HTTP/2 connection)
   * @param updateMessages 2: RUNNING and FINISHED in separate messages; 1: in one
   */
  static SimulatedAgentsProcess start(HostPort master, int agents, int agentsPerChannel, int updateMessages)
      throws IOException, InterruptedException {
    return start(master, agents, agentsPerChannel, Integer.toString(updateMessages));
  }

  /** @param updateMessages 2, 1, or {@code hold}: tasks run until killed (see {@link SimulatedAgents}) */
  static SimulatedAgentsProcess start(HostPort master, int agents, int agentsPerChannel, String updateMessages)
      throws IOException, InterruptedException {
    int channels = Math.max(1, (agents + agentsPerChannel - 1) / agentsPerChannel);
    List<String> jvmOptions = List.of("-Xmx1g", "-XX:+UseSerialGC",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    ChildJvm jvm = ChildJvm.start("sim-agents", jvmOptions, SimulatedAgents.class,
        List.of(master.toString(), Integer.toString(agents), Integer.toString(channels), AGENT_RESOURCES,
            updateMessages));
    try {
      String ready = jvm.await("READY", Duration.ofMinutes(5));
      return new SimulatedAgentsProcess(jvm, Long.parseLong(ready.split(" ")[2]) / 1000.0);
    } catch (InterruptedException | RuntimeException e) {
      jvm.close();
      throw e;
    }
  }

  /** Seconds from the first connection to the last agent registered. */
  double registerSeconds() {
    return registerSeconds;
  }

  long cpuNanos() {
    return jvm.cpuNanos();
  }

  long pid() {
    return jvm.pid();
  }

  @Override
  public void close() {
    jvm.close();
  }
}
