package io.corral.netns;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.testkit.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

/**
 * A cluster of the distribution's daemons on a {@link Network}: ZooKeeper, three masters and
 * several agents, each on a host of its own, started as a user would start them
 * ({@code bin/corral master --zk ...}, {@code bin/corral agent --master zk://...}) with every
 * address given ({@code --host}, {@code --advertise-host}). The test JVM reaches every host over
 * the bridge (a client machine on the same network).
 */
final class MultiHostCluster implements AutoCloseable {
  static final Duration START = Duration.ofSeconds(90);
  static final int MASTER_PORT = 5050;
  static final int MASTER_HTTP_PORT = 5080;
  static final int AGENT_PORT = 5051;
  static final int ZK_PORT = 2181;
  /** The masters' ZooKeeper session (ZooKeeper ticks every second here, so 2 s to 20 s are allowed). */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(4);

  final Network net;
  final Path dir;
  final Path dist;
  final Host zkHost;
  final List<Host> masterHosts = new ArrayList<>();
  final List<Host> agentHosts = new ArrayList<>();
  /** A machine with only the distribution, for client commands ({@code corral example shell}). */
  final Host clientHost;
  final String zkUrl;
  private final Map<Host, Daemon> daemons = new LinkedHashMap<>();
  private final Map<String, Integer> starts = new LinkedHashMap<>();

  private final String agentResources;

  private MultiHostCluster(Network net, Path dir, Path dist, int masters, int agents, String agentResources) {
    this.net = net;
    this.dir = dir;
    this.dist = dist;
    this.agentResources = agentResources;
    // The short names are the README's walk-through's (zk1, m1..m3, a1..a3).
    this.zkHost = net.add("zk", List.of("zk1"));
    for (int i = 1; i <= masters; i++) {
      masterHosts.add(net.add("master-" + i, List.of("m" + i)));
    }
    for (int i = 1; i <= agents; i++) {
      agentHosts.add(net.add("agent-" + i, List.of("a" + i)));
    }
    this.clientHost = net.add("client");
    this.zkUrl = "zk://" + zkHost.address() + ":" + ZK_PORT + "/corral";
  }

  /**
   * Makes the network and starts everything, each agent offering {@code agentResources}; returns once a
   * master leads and every agent registered.
   */
  static MultiHostCluster start(Path dir, Path dist, int masters, int agents, String agentResources) throws Exception {
    Network net = Network.create();
    MultiHostCluster c;
    try {
      c = new MultiHostCluster(net, dir, dist, masters, agents, agentResources);
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
    try {
      c.startZooKeeper();
      c.awaitAll(c.masterHosts.stream().map(h -> CompletableFuture.runAsync(() -> c.startMaster(h))).toList());
      c.awaitLeader(START);
      c.awaitAll(c.agentHosts.stream().map(h -> CompletableFuture.runAsync(() -> c.startAgent(h))).toList());
      return c;
    } catch (Exception | AssertionError e) {
      AssertionError failure = new AssertionError("the cluster did not start: " + e + "\n" + c.describe(), e);
      c.close();
      throw failure;
    }
  }

  private void awaitAll(List<CompletableFuture<Void>> starts) {
    CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
  }

  // ---- the daemons -------------------------------------------------------------------------

  private void startZooKeeper() throws IOException {
    Path data = dir.resolve("zk-data");
    Files.createDirectories(data);
    List<String> argv = List.of(java(), "-Xmx128m", "-XX:+UseSerialGC", "-Dzookeeper.admin.enableServer=false",
        "-Dlogback.configurationFile=" + dist.resolve("conf/logback.xml"), "-cp", dist.resolve("lib") + "/*",
        "org.apache.zookeeper.server.ZooKeeperServerMain", Integer.toString(ZK_PORT), data.toString(), "1000");
    Daemon zk = Daemon.start("zookeeper", zkHost, argv, Map.of(), dir.resolve("zk.log"));
    daemons.put(zkHost, zk);
    await().atMost(START).until(() -> {
      if (!zk.isAlive()) {
        throw new AssertionError(zk.describe());
      }
      return listening(zkHost.address(), ZK_PORT);
    });
  }

  /**
   * Starts (or starts again) the master on {@code h}; returns once it printed its role. Scheduler
   * tasks may hold half the cluster ({@code --scheduler-task-share}; the default, a tenth, admits one
   * application master at a time on these 6 cpus), so that the shared-pool scenario's two MapReduce
   * jobs run side by side.
   */
  Daemon startMaster(Host h) {
    List<String> args = List.of("master", "--zk", zkUrl, "--host", h.address(), "--advertise-host", h.address(),
        "--port", Integer.toString(MASTER_PORT), "--work-dir", dir.resolve(h.name()).toString(),
        "--zk-session-timeout", SESSION_TIMEOUT.toSeconds() + "s", "--agent-ping-timeout", "1s",
        "--max-agent-ping-timeouts", "5", "--allocation-interval", "200ms", "--agent-reregister-timeout", "60s",
        "--scheduler-task-share", "0.5");
    Daemon m = corral(h, args);
    m.awaitLine("master: \\S+ \\((leader|standby)\\)", START);
    return m;
  }

  /** Starts the agent on {@code h}; returns once it registered. */
  Daemon startAgent(Host h) {
    List<String> args = List.of("agent", "--master", zkUrl, "--host", h.address(), "--advertise-host", h.address(),
        "--port", Integer.toString(AGENT_PORT), "--work-dir", dir.resolve(h.name()).toString(),
        "--resources", agentResources,
        "--shutdown-executors-on-exit");
    Daemon a = corral(h, args);
    a.awaitLine("agent: \\S+ registered with .*", START);
    return a;
  }

  /** {@code bin/corral <args>} on {@code h}, as a user runs it; its log in this cluster's directory. */
  Daemon corral(Host h, List<String> args) {
    List<String> argv = new ArrayList<>();
    argv.add(dist.resolve("bin/corral").toString());
    argv.addAll(args);
    int n;
    synchronized (starts) {
      n = starts.merge(h.name(), 1, Integer::sum);
    }
    String name = n == 1 ? h.name() : h.name() + "#" + n;
    Path logs = dir.resolve(name + "-logs");
    try {
      Files.createDirectories(logs);
      Daemon d = Daemon.start(name, h, argv, Map.of("JAVA_HOME", System.getProperty("java.home"),
          "CORRAL_HEAP_OPTS", "-Xmx256m",
          "CORRAL_JAVA_OPTS", "-XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
          "CORRAL_LOG_DIR", logs.toString()), dir.resolve(name + ".log"));
      synchronized (daemons) {
        Daemon old = daemons.put(h, d);
        if (old != null) {
          old.close();
        }
      }
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static boolean listening(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  Daemon daemon(Host h) {
    synchronized (daemons) {
      return daemons.get(h);
    }
  }

  // ---- what the cluster says ---------------------------------------------------------------

  static String httpUrl(Host master) {
    return "http://" + master.address() + ":" + MASTER_HTTP_PORT + "/";
  }

  /** The masters whose /health says they lead (those that answer at all). */
  List<Host> leading() {
    List<Host> out = new ArrayList<>();
    for (Host h : masterHosts) {
      Daemon d = daemon(h);
      if (d != null && d.isAlive()) {
        try {
          if (Http.json(httpUrl(h) + "health").path("leading").asBoolean()) {
            out.add(h);
          }
        } catch (RuntimeException | AssertionError e) {
          // not answering: not leading as far as a client can tell
        }
      }
    }
    return out;
  }

  /** Waits until exactly one master leads; returns it. */
  Host awaitLeader(Duration within) {
    return awaitLeaderOtherThan(null, within);
  }

  /** Waits until exactly one master leads and it is not {@code old}; returns it. */
  Host awaitLeaderOtherThan(Host old, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> {
      List<Host> l = leading();
      return l.size() == 1 && !l.get(0).equals(old);
    });
    return leading().get(0);
  }

  /** The leader's agents by advertised address: their status (ACTIVE, UNREACHABLE, ...). */
  Map<String, String> agentStatuses(Host leader) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode agents = Http.json(httpUrl(leader) + "api/v1/agents");
    StreamSupport.stream(agents.spliterator(), false)
        .forEach(a -> out.put(a.path("hostname").asText(), a.path("status").asText()));
    return out;
  }

  /** The agent's id at the leader. */
  String agentId(Host leader, Host agent) {
    JsonNode agents = Http.json(httpUrl(leader) + "api/v1/agents");
    return StreamSupport.stream(agents.spliterator(), false)
        .filter(a -> a.path("hostname").asText().equals(agent.address()))
        .map(a -> a.path("id").asText()).findFirst()
        .orElseThrow(() -> new AssertionError(agent + " is not registered with " + leader));
  }

  /**
   * The state every case starts from and leaves: every master running (restarted if it ended),
   * one leader, every agent ACTIVE with it; no partition.
   */
  Host awaitSteady(Duration within) {
    net.heal();
    for (Host h : masterHosts) {
      if (!daemon(h).isAlive()) {
        startMaster(h);
      }
    }
    Host leader = awaitLeader(within);
    await().atMost(within).ignoreExceptions().until(() -> {
      Map<String, String> statuses = agentStatuses(leader);
      return agentHosts.stream().allMatch(a -> "ACTIVE".equals(statuses.get(a.address())));
    });
    return leader;
  }

  /** The ids of the frameworks the leader has (connected or failing over; not those it removed). */
  Set<String> frameworks(Host leader, Predicate<JsonNode> which) {
    Set<String> ids = new LinkedHashSet<>();
    Http.json(httpUrl(leader) + "api/v1/state?tasks=false").path("frameworks").forEach(f -> {
      if (which.test(f)) {
        ids.add(f.path("id").asText());
      }
    });
    return ids;
  }

  /**
   * Tears these frameworks down at the leader (their tasks are killed, as {@code corral framework
   * teardown} does) and waits until it has removed them: what a test leaves behind, such as a Storm
   * Nimbus's framework, which outlives its Nimbus (it fails over) with its Supervisors running.
   */
  void tearDown(Host leader, Set<String> frameworkIds, Duration within) {
    for (String id : frameworkIds) {
      Http.Answer a = Http.post(httpUrl(leader) + "api/v1/frameworks/" + id + "/teardown");
      if (a.status() != 200 && a.status() != 404) {
        throw new AssertionError("teardown of framework " + id + " answered " + a.status() + ": " + a.body());
      }
    }
    await().atMost(within).pollInterval(Duration.ofMillis(200))
        .until(() -> frameworks(leader, f -> frameworkIds.contains(f.path("id").asText())).isEmpty());
  }

  Optional<Host> masterAt(String address) {
    return masterHosts.stream().filter(h -> h.address().equals(address)).findFirst();
  }

  /** Every host, its daemon's state and log tail, and the partitions in force: for failure messages. */
  String describe() {
    StringBuilder b = new StringBuilder("network: ").append(net.hosts()).append("; partitions: ")
        .append(net.describeDrops()).append('\n');
    synchronized (daemons) {
      daemons.values().forEach(d -> b.append(d.describe()));
    }
    return b.toString();
  }

  @Override
  public void close() {
    List<Daemon> all;
    synchronized (daemons) {
      all = new ArrayList<>(daemons.values());
    }
    all.parallelStream().forEach(Daemon::close);
    net.close();
  }
}
