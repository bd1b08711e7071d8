package io.corral.demo;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Storm topology on a Corral-backed Nimbus: {@code corral storm nimbus} (this installation's
 * {@code bin/corral}) on the demo's ZooKeeper and master, then the Storm bridge's example word count
 * ({@code io.corral.storm.examples.WordCountTopology}, in {@code corral-storm.jar}) submitted as
 * {@code storm jar} does. The topology's main waits until its spouts had 2000 sentences acked, as
 * Nimbus's statistics say, and kills itself; the Nimbus is stopped and its framework, with its
 * Supervisor tasks, ends.
 */
public final class StormWordCount implements DemoPart {
  static final String TOPOLOGY = "corral-demo-wordcount";
  private static final Pattern NIMBUS = Pattern.compile("nimbus: (\\S+)");
  private static final Pattern ACKED = Pattern.compile("^acked: (\\d+) sentences on (.*)$");

  @Override
  public String title() {
    return "storm topology";
  }

  @Override
  public PartResult run(DemoEnv env) throws Exception {
    Path home = env.installed("storm", "storm-home");
    Path bridge = env.installed("storm", "corral-storm.jar");
    Path dir = env.dir("storm");
    int port = freePort();
    Set<String> before = Placement.frameworkIds(env.cluster());
    Path corral = env.launcher();
    List<String> nimbusCmd = new ArrayList<>(List.of(corral.toString(), "storm", "nimbus", "--master", env.master(),
        "--zk", env.zkConnect() + "/storm", "--nimbus-port", Integer.toString(port), "--host", "127.0.0.1",
        "--storm-home", home.toString(), "--bridge-jar", bridge.toString(), "--work-dir", dir.resolve("nimbus").toString(),
        "--heap", "384m", "--name", "storm-demo", "--failover-timeout", "1s", "--supervisor-idle-timeout", "5s",
        "-c", "supervisor.childopts=\"-Xmx160m -XX:+UseSerialGC\"",
        "-c", "topology.worker.childopts=\"-XX:+UseSerialGC\"",
        "-c", "worker.heap.memory.mb=384",
        "-c", "topology.worker.logwriter.childopts=\"-Xmx32m -XX:+UseSerialGC\"",
        "-c", "storm.corral.supervisor.mem.mb=256",
        "-c", "executor.metrics.frequency.secs=5"));
    Matcher acked;
    String workers;
    // bin/corral's own JVM options, for a command that only starts the Nimbus's JVM and waits for it.
    Map<String, String> small = Map.of("CORRAL_HEAP_OPTS", "-Xmx128m", "CORRAL_JAVA_OPTS", "-XX:+UseSerialGC");
    try (ChildProcess nimbus = ChildProcess.start("the Storm Nimbus", nimbusCmd, dir.resolve("nimbus.log"), small,
        dir)) {
      nimbus.awaitLine(NIMBUS, Duration.ofMinutes(3));
      List<String> submit = List.of(ChildProcess.java(), "-Xmx256m", "-XX:+UseSerialGC",
          "-cp", home.resolve("lib") + File.separator + "*" + File.pathSeparator + home.resolve("conf")
              + File.pathSeparator + bridge,
          "-Dstorm.jar=" + bridge,
          "-Dstorm.options=nimbus.seeds=%5B%22127.0.0.1%22%5D,nimbus.thrift.port=" + port,
          "-Dstorm.log.dir=" + dir.resolve("logs"),
          "-Dlog4j.configurationFile=" + home.resolve("log4j2").resolve("cluster.xml"),
          "io.corral.storm.examples.WordCountTopology", TOPOLOGY, "2000", "300");
      Path log = dir.resolve("topology.log");
      try (ChildProcess main = ChildProcess.start("the topology's main", submit, log, Map.of(), dir)) {
        int rc = main.awaitExit(Duration.ofMinutes(8));
        acked = main.find(ACKED);
        if (rc != 0 || acked == null) {
          throw new DemoFailure("the topology's main exited " + rc
              + (acked != null ? " after " + acked.group(1) + " acked sentences" : "") + "; see " + log);
        }
      }
      workers = acked.group(2);
    }
    // The Nimbus is gone: after its failover timeout (1 s) the master ends its framework and Supervisors.
    awaitFrameworksEnded(env, before);
    List<String> details = new ArrayList<>(Placement.describe(env.cluster(), before));
    details.add("workers: " + workers + "; Nimbus log: " + dir.resolve("nimbus"));
    return new PartResult(title(), true, 0, acked.group(1) + " sentences acked by topology " + TOPOLOGY, details);
  }

  private static void awaitFrameworksEnded(DemoEnv env, Set<String> before) throws InterruptedException, DemoFailure {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (env.cluster().query(v -> v.frameworks().stream().anyMatch(f -> !before.contains(f.id())))) {
      if (System.nanoTime() > deadline) {
        throw new DemoFailure("the Storm framework was still registered a minute after its Nimbus stopped");
      }
      Thread.sleep(200); // polling the master's state
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
