package io.corral.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.testkit.Http;
import io.corral.common.task.PathNames;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.apache.curator.test.TestingServer;

/**
 * A cluster of real processes for the services framework: a {@code corral master}, agents as
 * {@code corral agent} processes each on a loopback address of its own (127.0.0.1, 127.0.0.2, ...: on
 * Linux the whole 127/8 is this machine, so each agent is a host of its own to constraints such as
 * {@code ["hostname", "UNIQUE"]}), each offering a block of ports free on this machine, optionally a
 * ZooKeeper (in the test JVM) for the services' state and election, and {@code corral services} processes.
 */
final class ServicesCluster implements AutoCloseable {
  static final Duration START = Duration.ofSeconds(90);
  /** Ports each agent offers. */
  static final int PORTS_PER_AGENT = 20;

  /** An agent process: its host (the address it listens on and advertises) and the ports it offers. */
  record Agent(int index, String host, Path workDir, CorralProcess process, String id, int firstPort, int lastPort) {
    boolean offers(int port) {
      return port >= firstPort && port <= lastPort;
    }

    /** The sandbox of task {@code taskId} of this agent's command executors (the newest run's). */
    Optional<Path> sandboxOf(String taskId) throws IOException {
      String name = PathNames.of(taskId);
      try (Stream<Path> all = Files.walk(workDir)) {
        return all.filter(p -> p.getFileName().toString().equals(name) && p.getParent() != null
                && p.getParent().getFileName().toString().equals("tasks") && Files.isDirectory(p))
            .max(java.util.Comparator.comparingLong(p -> p.toFile().lastModified()));
      }
    }
  }

  /** A {@code corral services} process and the URL it printed (ends with '/'). */
  record Services(String name, CorralProcess process, String url) {
    MarathonClient api() {
      return new MarathonClient(url);
    }
  }

  final Path dir;
  final TestingServer zk;
  final CorralProcess master;
  final String masterAddress;
  final String masterHttp;
  final List<Agent> agents = new CopyOnWriteArrayList<>();
  private final List<CorralProcess> agentProcesses = new CopyOnWriteArrayList<>();
  final List<Services> services = new CopyOnWriteArrayList<>();

  private ServicesCluster(Path dir, TestingServer zk, CorralProcess master, String masterAddress, String masterHttp) {
    this.dir = dir;
    this.zk = zk;
    this.master = master;
    this.masterAddress = masterAddress;
    this.masterHttp = masterHttp;
  }

  /**
   * Starts ZooKeeper (if {@code withZk}), a master (agents are unreachable after 5 missed pings of
   * 1 s) and {@code agents} agents, each with {@code agentResources} and a port block of its own.
   */
  static ServicesCluster start(Path dir, boolean withZk, int agents, String agentResources, List<String> agentArgs)
      throws Exception {
    TestingServer zk = withZk ? new TestingServer(true) : null;
    CorralProcess master = null;
    try {
      master = CorralProcess.start(dir.resolve("master.log"), "master", "--host", "127.0.0.1", "--port", "0",
          "--http-port", "0", "--work-dir", dir.resolve("master").toString(), "--agent-ping-timeout", "1s",
          "--max-agent-ping-timeouts", "5", "--allocation-interval", "200ms");
      String address = master.awaitLine("master: (\\S+)( \\(leader\\))?", START).group(1);
      String http = master.awaitLine("http: (\\S+)", START).group(1);
      ServicesCluster c = new ServicesCluster(dir, zk, master, address, http.endsWith("/") ? http : http + "/");
      try {
        List<int[]> blocks = freePortBlocks(agents);
        for (int i = 0; i < agents; i++) {
          c.agentProcesses.add(c.startAgentProcess(i, agentResources, blocks.get(i), agentArgs));
        }
        for (int i = 0; i < agents; i++) {
          String id = c.agentProcesses.get(i).awaitLine("agent: (\\S+) registered with (\\S+)", START).group(1);
          c.agents.add(new Agent(i, host(i), dir.resolve("agent-" + i), c.agentProcesses.get(i), id, blocks.get(i)[0],
              blocks.get(i)[1]));
        }
        return c;
      } catch (Exception | AssertionError e) {
        c.close();
        throw e;
      }
    } catch (Exception | AssertionError e) {
      if (master != null) {
        master.close();
      }
      if (zk != null) {
        zk.close();
      }
      throw e;
    }
  }

  static String host(int agentIndex) {
    return "127.0.0." + (agentIndex + 1);
  }

  private CorralProcess startAgentProcess(int index, String resources, int[] ports, List<String> extra)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("agent", "--master", masterAddress, "--host", host(index),
        "--port", "0", "--work-dir", dir.resolve("agent-" + index).toString(), "--shutdown-executors-on-exit",
        "--resources", resources + ";ports:[" + ports[0] + "-" + ports[1] + "]"));
    args.addAll(extra);
    return CorralProcess.start(dir.resolve("agent-" + index + ".log"), args.toArray(String[]::new));
  }

  /** ZooKeeper's URL for the services' state and election (needs a cluster started with ZooKeeper). */
  String servicesZk() {
    return "zk://" + zk.getConnectString() + "/corral-services";
  }

  /** Starts {@code corral services --master ... --http-port 0 --host 127.0.0.1 <extra>} and waits until it serves. */
  Services startServices(String name, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("services", "--master", masterAddress, "--http-port", "0",
        "--host", "127.0.0.1"));
    args.addAll(List.of(extra));
    CorralProcess p = CorralProcess.start(dir.resolve(name + ".log"), args.toArray(String[]::new));
    String url;
    try {
      url = p.awaitLine("services: (https?://\\S+)", START).group(1);
    } catch (AssertionError e) {
      p.close();
      throw e;
    }
    Services s = new Services(name, p, url.endsWith("/") ? url : url + "/");
    services.add(s);
    return s;
  }

  /**
   * Waits until {@code s} answers the API: it leads and has recovered its state, or it is a standby
   * and the leader it passes requests on to has (until then the API answers 503).
   */
  static void awaitServing(Services s) {
    MarathonClient api = s.api();
    org.awaitility.Awaitility.await().atMost(START).until(() -> {
      if (!s.process().isAlive()) {
        throw new AssertionError(s.name() + " exited; see its log");
      }
      return api.get("v2/apps").status() == 200;
    });
  }

  Agent agentOn(String host) {
    return agents.stream().filter(a -> a.host().equals(host)).findFirst()
        .orElseThrow(() -> new AssertionError("no agent on " + host));
  }

  /** The master's {@code /api/v1/state}. */
  JsonNode masterState() {
    return Http.json(masterHttp + "api/v1/state");
  }

  /** The ids of the tasks the master has, not ended, whose ids start with {@code prefix}. */
  List<String> tasksAtMaster(String prefix) {
    List<String> out = new ArrayList<>();
    for (JsonNode t : masterState().path("tasks")) {
      if (t.get("id").asText().startsWith(prefix) && !MarathonApps.terminal(t.get("state").asText())) {
        out.add(t.get("id").asText());
      }
    }
    return out;
  }

  /** The master's record of task {@code taskId}, once it has ended. */
  JsonNode completedAtMaster(String taskId, Duration within) {
    return org.awaitility.Awaitility.await().atMost(within).until(() -> {
      for (JsonNode t : masterState().path("completed_tasks")) {
        if (t.get("id").asText().equals(taskId)) {
          return t;
        }
      }
      return null;
    }, t -> t != null);
  }

  /**
   * {@code n} blocks of {@link #PORTS_PER_AGENT} consecutive ports below the kernel's ephemeral range
   * (no outgoing connection takes them meanwhile) and outside the 31000s the other tests' agents
   * offer, each port free right now on every address.
   */
  private static List<int[]> freePortBlocks(int n) {
    List<int[]> out = new ArrayList<>();
    int attempts = 0;
    while (out.size() < n) {
      if (++attempts > 200) {
        throw new IllegalStateException("no " + n + " free blocks of " + PORTS_PER_AGENT + " ports in 20000-29999");
      }
      int first = 20000 + PORTS_PER_AGENT * ThreadLocalRandom.current().nextInt(10000 / PORTS_PER_AGENT);
      int[] block = {first, first + PORTS_PER_AGENT - 1};
      boolean overlaps = out.stream().anyMatch(b -> b[0] == first);
      if (!overlaps && allFree(block)) {
        out.add(block);
      }
    }
    return out;
  }

  private static boolean allFree(int[] block) {
    for (int port = block[0]; port <= block[1]; port++) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    for (Services s : services) {
      s.process().close();
    }
    List<Thread> stopping = new ArrayList<>();
    for (CorralProcess a : agentProcesses) {
      Thread t = new Thread(a::close, "stop-agent-" + a.pid());
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
    master.close();
    if (zk != null) {
      try {
        zk.close();
      } catch (IOException e) {
        // best effort
      }
    }
  }
}
