package io.corral.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.apache.curator.test.TestingServer;

/**
 * A highly available cluster of real processes: a ZooKeeper (in the test JVM), several
 * {@code corral master --zk} processes and several {@code corral agent --master zk://} processes.
 */
final class HaCluster implements AutoCloseable {
  static final Duration START = Duration.ofSeconds(90);
  /**
   * The masters' ZooKeeper session timeout: short so failover tests are quick, long enough that a
   * busy 2-core machine does not expire sessions (or miss agent pings) by itself.
   */
  static final String SESSION_TIMEOUT = "5s";

  final Path dir;
  final TestingServer zk;
  final String zkUrl;
  final List<MasterProcess> masters = new ArrayList<>();
  final List<CorralProcess> agents = new ArrayList<>();

  /** A master process and what it printed. */
  record MasterProcess(int index, CorralProcess process, String address) {
    /** Where it serves its HTTP API ({@code http://host:port/}). */
    String httpUrl() {
      return process.awaitLine("http: (\\S+)", START).group(1);
    }
  }

  private HaCluster(Path dir, TestingServer zk) {
    this.dir = dir;
    this.zk = zk;
    this.zkUrl = "zk://" + zk.getConnectString() + "/corral-it";
  }

  static HaCluster start(Path dir, int masters, int agents, List<String> masterArgs, List<String> agentArgs)
      throws Exception {
    HaCluster c = new HaCluster(dir, new TestingServer(true));
    try {
      for (int i = 0; i < masters; i++) {
        c.startMaster(i, masterArgs);
      }
      c.awaitLeader(START);
      for (int i = 0; i < agents; i++) {
        c.startAgent(i, agentArgs);
      }
      for (CorralProcess a : c.agents) {
        a.awaitLine("agent: (\\S+) registered with (\\S+)", START);
      }
      return c;
    } catch (Exception | AssertionError e) {
      c.close();
      throw e;
    }
  }

  MasterProcess startMaster(int index, List<String> extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("master", "--zk", zkUrl, "--host", "127.0.0.1", "--port", "0", "--work-dir",
        dir.resolve("master-" + index).toString(), "--zk-session-timeout", SESSION_TIMEOUT,
        "--agent-ping-timeout", "1s",
        "--max-agent-ping-timeouts", "4", "--allocation-interval", "200ms"));
    args.addAll(extra);
    CorralProcess p = CorralProcess.start(dir.resolve("master-" + index + ".log"), args.toArray(String[]::new));
    Matcher m = p.awaitLine("master: (\\S+) \\((leader|standby)\\)", START);
    MasterProcess mp = new MasterProcess(index, p, m.group(1));
    masters.add(mp);
    return mp;
  }

  /** Starts agent {@code index} (again, on the same work dir); {@code extra} may name its own --resources. */
  CorralProcess startAgent(int index, List<String> extra) throws IOException {
    Path work = dir.resolve("agent-" + index);
    List<String> args = new ArrayList<>(List.of("agent", "--master", zkUrl, "--host", "127.0.0.1", "--port", "0", "--work-dir",
        work.toString(), "--shutdown-executors-on-exit"));
    if (!extra.contains("--resources")) {
      args.addAll(List.of("--resources", "cpus:2;mem:2048;ports:[" + (31000 + 100 * index) + "-" + (31099 + 100 * index) + "]"));
    }
    args.addAll(extra);
    CorralProcess p = CorralProcess.start(dir.resolve("agent-" + index + ".log"), args.toArray(String[]::new));
    agents.add(p);
    return p;
  }

  /** The master that printed "(leader)" most recently and is still running. */
  MasterProcess awaitLeader(Duration within) {
    return awaitLeaderOtherThan(null, within);
  }

  /** A master other than {@code old} that printed "(leader)". */
  MasterProcess awaitLeaderOtherThan(MasterProcess old, Duration within) {
    await().atMost(within).until(() -> leader(old) != null);
    return leader(old);
  }

  private MasterProcess leader(MasterProcess except) {
    for (MasterProcess m : masters) {
      if (m != except && m.process().isAlive()
          && m.process().stdout().stream().anyMatch(l -> l.endsWith("(leader)"))) {
        return m;
      }
    }
    return null;
  }

  /** How many times an agent's log says it (re-)registered with {@code master}. */
  long registrations(int agent, String master) throws IOException {
    String log = Files.readString(dir.resolve("agent-" + agent + ".log"));
    return log.lines().filter(l -> l.contains("registered with master " + master)).count();
  }

  @Override
  public void close() {
    for (CorralProcess a : agents) {
      a.close();
    }
    for (MasterProcess m : masters) {
      m.process().close();
    }
    try {
      zk.close();
    } catch (IOException e) {
      // best effort
    }
  }
}
