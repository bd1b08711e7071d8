package io.corral.local;

import io.corral.agent.Agent;
import io.corral.agent.AgentConfig;
import io.corral.agent.ResourceDetector;
import io.corral.common.net.HostPort;
import io.corral.common.resources.RangeSet;
import io.corral.common.resources.Resources;
import io.corral.master.Master;
import io.corral.master.MasterConfig;
import io.corral.master.core.MasterView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master and N agents on this machine, for tests and {@code corral local}. The master runs
 * in this JVM; agents run in this JVM ({@link Mode#IN_PROCESS}) or each as a separate
 * {@code corral agent} process ({@link Mode#PROCESSES}). Executors are always processes.
 * The machine's resources are split between the agents (ports too, so agents never offer the
 * same port), each agent offering at least {@value #DEFAULT_MIN_AGENT_CPUS} cpu unless told
 * otherwise ({@link Builder#minAgentCpus}).
 */
public final class LocalCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

  /** Where agents run. */
  public enum Mode {
    IN_PROCESS,
    PROCESSES
  }

  /**
   * Without given resources each agent offers at least this many cpus: Hadoop's AM and containers
   * and most frameworks' tasks ask for whole cpus, and on 2 cores 3 agents would offer 0.66 each,
   * which no such task ever fits.
   */
  public static final double DEFAULT_MIN_AGENT_CPUS = 1;

  private final Builder b;
  /** This machine's resources, detected once: what the agents' shares are made of. */
  private Resources machine;
  private Master master;
  private final List<LocalAgent> agents = new ArrayList<>();

  private LocalCluster(Builder b) {
    this.b = b;
  }

  public static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** Starts the master and the agents; returns once every agent is registered. */
  public LocalCluster start() throws IOException {
    Files.createDirectories(b.workDir);
    MasterConfig.Builder mc = MasterConfig.builder().port(b.masterPort).workDir(b.workDir.resolve("master"));
    b.masterConfig.accept(mc);
    master = new Master(mc.build()).start();
    try {
      for (int i = 0; i < b.agents; i++) {
        agents.add(startAgent(i));
      }
      awaitAgents(b.agents, b.startTimeout);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    return this;
  }

  private LocalAgent startAgent(int index) throws IOException {
    Path dir = b.workDir.resolve("agent-" + index);
    Resources resources = resourcesOf(index);
    if (b.mode == Mode.PROCESSES) {
      return ProcessAgent.start(index, master.address(), dir, resources, b);
    }
    AgentConfig.Builder ac = AgentConfig.builder(master.address().toString(), dir).port(0).resources(resources)
        .shutdownExecutorsOnExit(true);
    b.agentConfig.accept(ac);
    return new InProcessAgent(index, new Agent(ac.build()).start());
  }

  /**
   * Agent {@code index}'s share of {@code machine} among {@code n} agents: an equal part of its
   * cpus (but at least {@code minCpus}), memory and disk, and ports of its own.
   */
  public static Resources share(int index, int n, Resources machine, double minCpus) {
    long portsPer = 1001 / n;
    long first = 31000 + index * portsPer;
    return Resources.builder()
        .cpus(Math.max(Math.max(0.1, minCpus), Math.floor(machine.cpus() * 100 / n) / 100))
        .mem(Math.floor(machine.mem() / n))
        .disk(Math.floor(machine.disk() / n))
        .ports(RangeSet.of(first, first + portsPer - 1))
        .build();
  }

  /** What agent {@code index} offers: the resources given, or its share of this machine. */
  public Resources agentResources(int index) {
    return resourcesOf(index);
  }

  /**
   * Waits until {@code n} agents are registered and active, as both sides see it: the master
   * has them active, and each agent has heard its id back (the master marks an agent active a
   * moment before the agent learns its id, and tests use the ids).
   */
  public void awaitAgents(int n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (activeAgents() < n) {
      for (LocalAgent a : agents) {
        a.checkAlive();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + activeAgents() + " of " + n + " agents registered within "
            + timeout + "; see the agent logs under " + b.workDir);
      }
      try {
        Thread.sleep(20); // polling the master's state, not synchronising on time
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Agents the master has active whose own process knows it is registered (under that id). */
  private long activeAgents() {
    java.util.Set<String> active = master.query(v -> v.agents().stream().filter(a -> a.status().equals("ACTIVE"))
        .map(a -> a.id()).collect(java.util.stream.Collectors.toSet())).join();
    return agents.stream().map(LocalAgent::agentId).filter(id -> id != null && active.contains(id)).count();
  }

  public HostPort masterAddress() {
    return master.address();
  }

  public Master master() {
    return master;
  }

  public List<LocalAgent> agents() {
    return List.copyOf(agents);
  }

  /**
   * Starts a process agent again on its work dir (after {@link LocalAgent#kill}), with the same
   * flags; it recovers its checkpoint. Does not wait for it to register.
   */
  public ProcessAgent restartAgent(int index) throws IOException {
    return restartAgent(index, resourcesOf(index));
  }

  private Resources resourcesOf(int index) {
    if (b.agentResources != null) {
      return b.agentResources.apply(index);
    }
    if (machine == null) {
      machine = ResourceDetector.detect(b.workDir);
    }
    return share(index, b.agents, machine, b.minAgentCpus);
  }

  /** Like {@link #restartAgent(int)}, with other resources. */
  public ProcessAgent restartAgent(int index, Resources resources) throws IOException {
    if (!(agents.get(index) instanceof ProcessAgent a)) {
      throw new IllegalStateException("agent " + index + " runs in this JVM; only process agents restart");
    }
    ProcessAgent next = a.restart(resources);
    agents.set(index, next);
    return next;
  }

  /** The process agent {@code index}. */
  public ProcessAgent processAgent(int index) {
    if (!(agents.get(index) instanceof ProcessAgent a)) {
      throw new IllegalStateException("agent " + index + " runs in this JVM");
    }
    return a;
  }

  /** The agent object of an in-process agent (for inspecting its state in tests). */
  public Agent inProcessAgent(int index) {
    if (!(agents.get(index) instanceof InProcessAgent a)) {
      throw new IllegalStateException("agent " + index + " runs as a process");
    }
    return a.agent();
  }

  public Path workDir() {
    return b.workDir;
  }

  /** Reads the master's state. */
  public <T> T query(java.util.function.Function<MasterView, T> reader) {
    try {
      return master.query(reader).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops the agents (and their executors and tasks), then the master. */
  @Override
  public void close() {
    List<Thread> stopping = new ArrayList<>();
    for (LocalAgent a : agents) {
      Thread t = new Thread(() -> {
        try {
          a.stop();
        } catch (RuntimeException e) {
          LOG.warn("stopping agent {}: {}", a.index(), e.toString());
        }
      }, "stop-agent-" + a.index());
      t.start();
      stopping.add(t);
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (master != null) {
      master.close();
    }
  }

  /** How to build a local cluster. */
  public static final class Builder {
    final Path workDir;
    int agents = 1;
    int masterPort = 0;
    Mode mode = Mode.IN_PROCESS;
    java.util.function.IntFunction<Resources> agentResources;
    double minAgentCpus = DEFAULT_MIN_AGENT_CPUS;
    Consumer<MasterConfig.Builder> masterConfig = m -> { };
    Consumer<AgentConfig.Builder> agentConfig = a -> { };
    List<String> agentArgs = List.of();
    Duration startTimeout = Duration.ofSeconds(60);
    String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    List<String> agentMain = List.of(io.corral.daemon.AgentCommand.class.getName());
    List<String> agentJvmOptions = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private Builder(Path workDir) {
      this.workDir = workDir;
    }

    public Builder agents(int n) {
      agents = n;
      return this;
    }

    public Builder masterPort(int port) {
      masterPort = port;
      return this;
    }

    public Builder mode(Mode m) {
      mode = m;
      return this;
    }

    /** Each agent's resources (default: an equal share of the machine). */
    public Builder agentResources(Resources r) {
      agentResources = index -> r;
      return this;
    }

    /** The resources of agent {@code index}, {@code 0..agents-1} (ports of their own where agents share a host). */
    public Builder agentResources(java.util.function.IntFunction<Resources> byIndex) {
      agentResources = byIndex;
      return this;
    }

    /**
     * The fewest cpus an agent offers when agents share the machine (default
     * {@value LocalCluster#DEFAULT_MIN_AGENT_CPUS}): with more agents than cores they offer more
     * cpus than the machine has, rather than each a fraction no task of a whole cpu fits.
     */
    public Builder minAgentCpus(double cpus) {
      if (!(cpus >= 0)) {
        throw new IllegalArgumentException("minAgentCpus must not be negative: " + cpus);
      }
      minAgentCpus = cpus;
      return this;
    }

    public Builder masterConfig(Consumer<MasterConfig.Builder> c) {
      masterConfig = c;
      return this;
    }

    /** Settings of in-process agents. */
    public Builder agentConfig(Consumer<AgentConfig.Builder> c) {
      agentConfig = c;
      return this;
    }

    /** Extra {@code corral agent} flags of agent processes. */
    public Builder agentArgs(List<String> args) {
      agentArgs = List.copyOf(args);
      return this;
    }

    public Builder startTimeout(Duration d) {
      startTimeout = d;
      return this;
    }

    public Builder classpath(String cp) {
      classpath = cp;
      return this;
    }

    /**
     * How agent processes run the agent: {@code main}'s class, then {@code args} before the agent's
     * flags (default: {@code AgentCommand} alone; the {@code corral} command names itself and
     * {@code agent}, so that its clusters' agents are {@code corral agent} processes).
     */
    public Builder agentMain(Class<?> main, String... args) {
      List<String> m = new java.util.ArrayList<>(List.of(main.getName()));
      m.addAll(List.of(args));
      agentMain = List.copyOf(m);
      return this;
    }

    public LocalCluster build() {
      return new LocalCluster(this);
    }

    public LocalCluster start() throws IOException {
      return build().start();
    }
  }
}
