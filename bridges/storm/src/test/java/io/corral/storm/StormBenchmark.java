package io.corral.storm;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.generated.KillOptions;

/**
 * The same word-count topology on Corral (the Corral-backed Nimbus of {@code corral storm
 * nimbus}, Supervisors launched from offers) and on Storm's own standalone cluster (Nimbus and
 * one Supervisor from storm-server, as {@code storm nimbus} and {@code storm supervisor} run
 * them), same worker count and settings, alternately, {@code --runs} times each. Per run and way:
 * deploy time cold (Corral: no Supervisor yet) and warm (Supervisors kept from the topology
 * before, within the idle timeout), as submit (the topology's main calling StormSubmitter) to the
 * first tuple acked; and steady throughput, sentences acked per second over {@code --window}
 * seconds after {@code --warmup}. Prints the medians and the Corral/standalone ratios. Not a test:
 * see docs/benchmarks.md.
 */
public final class StormBenchmark {
  private final Map<String, String> opts = new LinkedHashMap<>();
  private final Map<String, List<double[]>> results = new LinkedHashMap<>();
  private final List<Process> daemons = new ArrayList<>();
  private Path work;
  private Path jar;
  private int topologies;

  public static void main(String[] args) throws Exception {
    StormBenchmark b = new StormBenchmark();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        System.err.println("usage: StormBenchmark [--workers=1] [--parallelism=2] [--runs=2] [--warmup=20]"
            + " [--window=30] [--work=target/storm-bench]");
        System.exit(2);
      }
      b.opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    try {
      b.run();
    } finally {
      b.daemons.forEach(p -> {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      });
    }
    System.exit(0);
  }

  private String opt(String name, String dflt) {
    return opts.getOrDefault(name, dflt);
  }

  private void run() throws Exception {
    work = Path.of(opt("work", "target/storm-bench")).toAbsolutePath();
    int workers = Integer.parseInt(opt("workers", "1"));
    int runs = Integer.parseInt(opt("runs", "2"));
    io.corral.bridges.testkit.TestDirs.fresh(work);
    System.setProperty("corral.test.tmp", work.toString());
    List<String> cluster = List.of("-c", "executor.metrics.frequency.secs=5");
    StormCluster corral = StormCluster.start("corral", 1, false, List.of("--supervisor-idle-timeout", "30s",
        cluster.get(0), cluster.get(1)));
    int standalonePort = startStandalone(workers, corral.zk.getPort());
    jar = StormCluster.buildTopologyJar(work);
    System.out.printf("%d worker(s), word count with parallelism %s, %d runs each%n", workers,
        opt("parallelism", "2"), runs);
    try {
      for (int i = 1; i <= runs; i++) {
        String fw = corral.frameworkId();
        StormCluster.await(Duration.ofMinutes(2), "Corral's Supervisors retired (cold start)",
            () -> corral.runningTasks(fw).isEmpty());
        measure("corral", corral.nimbusPort, workers, i);
        measure("standalone", standalonePort, workers, i);
      }
    } finally {
      corral.close();
    }
    System.out.println();
    System.out.println("medians      cold deploy ms  warm deploy ms  throughput/s");
    double[] c = medians("corral");
    double[] s = medians("standalone");
    System.out.printf("corral       %14.0f  %14.0f  %12.0f%n", c[0], c[1], c[2]);
    System.out.printf("standalone   %14.0f  %14.0f  %12.0f%n", s[0], s[1], s[2]);
    System.out.printf("ratio        %14.2f  %14.2f  %12.2f   (corral/standalone; goal: warm <= 1.0, throughput >= 0.95)%n",
        c[0] / s[0], c[1] / s[1], c[2] / s[2]);
  }

  /** One cold deploy with a throughput window, then one warm deploy right after the first is killed. */
  private void measure(String way, int port, int workers, int run) throws Exception {
    String cold = way + "-cold-" + run;
    double coldMs = deploy(port, cold, workers);
    Path dir = work.resolve("reports").resolve(cold);
    long warmup = Long.parseLong(opt("warmup", "20")) * 1000;
    long window = Long.parseLong(opt("window", "30")) * 1000;
    Thread.sleep(warmup); // the benchmark's warm-up period, not synchronisation
    long[] a = acked(dir);
    Thread.sleep(window); // the measured window
    long[] b = acked(dir);
    double perSecond = (b[0] - a[0]) * 1000.0 / Math.max(1, b[1] - a[1]);
    kill(port, cold);
    String warm = way + "-warm-" + run;
    double warmMs = deploy(port, warm, workers);
    kill(port, warm);
    System.out.printf("%-10s run %d: cold deploy %6.0f ms, warm deploy %6.0f ms, %8.0f sentences acked/s%n",
        way, run, coldMs, warmMs, perSecond);
    results.computeIfAbsent(way, k -> new ArrayList<>()).add(new double[] {coldMs, warmMs, perSecond});
  }

  /** Submits a topology; returns the time from the submitter's call to StormSubmitter to the first ack. */
  private double deploy(int port, String name, int workers) throws Exception {
    Path reports = work.resolve("reports").resolve(name);
    Path log = work.resolve("submit-" + name + ".log");
    Process p = StormCluster.startSubmit(port, jar, log, name, workers,
        "wordcount.parallelism=" + opt("parallelism", "2"), WordCountSettings.REPORT_DIR + "=" + reports,
        "topology.worker.childopts=-XX:+UseParallelGC");
    StormCluster.awaitSubmitted(p, name, log);
    long submitted = StormCluster.read(log).lines().filter(l -> l.startsWith("SUBMITTING="))
        .mapToLong(l -> Long.parseLong(l.substring("SUBMITTING=".length()))).findFirst().orElseThrow();
    Path first = reports.resolve("first-ack");
    StormCluster.await(Duration.ofMinutes(3), "the first ack of " + name, () -> Files.exists(first));
    return Long.parseLong(Files.readString(first).trim()) - submitted;
  }

  /** Sentences acked by every spout task so far, and the latest report's time (millis). */
  private static long[] acked(Path dir) throws Exception {
    long count = 0;
    long at = 0;
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().matches("acked-\\d+")).toList()) {
        String[] parts = Files.readString(f).trim().split(" ");
        count += Long.parseLong(parts[0]);
        at = Math.max(at, Long.parseLong(parts[1]));
      }
    }
    return new long[] {count, at};
  }

  private static void kill(int port, String name) throws Exception {
    KillOptions opts = new KillOptions();
    opts.set_wait_secs(0);
    StormCluster.nimbus(port, n -> {
      n.killTopologyWithOpts(name, opts);
      return null;
    });
    StormCluster.await(Duration.ofMinutes(2), name + " gone", () -> {
      try {
        return StormCluster.nimbus(port, n -> n.getClusterInfo().get_topologies().stream()
            .noneMatch(t -> t.get_name().equals(name)));
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  /**
   * Storm's standalone Nimbus and one Supervisor with {@code slots} slots, as {@code storm nimbus}
   * and {@code storm supervisor} start them, on the same ZooKeeper (another root); returns the
   * Nimbus's Thrift port once its Supervisor is registered.
   */
  private int startStandalone(int slots, int zkPort) throws Exception {
    Path dir = Files.createDirectories(work.resolve("standalone"));
    int nimbusPort = StormCluster.freePort();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < slots; i++) {
      ports.add(StormCluster.freePort());
    }
    Map<String, Object> conf = new LinkedHashMap<>();
    conf.put("storm.zookeeper.servers", List.of(StormCluster.NIMBUS_HOST));
    conf.put("storm.zookeeper.port", zkPort);
    conf.put("storm.zookeeper.root", "/storm-standalone");
    conf.put("nimbus.seeds", List.of(StormCluster.NIMBUS_HOST));
    conf.put("nimbus.thrift.port", nimbusPort);
    conf.put("storm.local.hostname", StormCluster.NIMBUS_HOST);
    conf.put("supervisor.slots.ports", ports);
    conf.put("supervisor.thrift.port", StormCluster.freePort());
    conf.put("executor.metrics.frequency.secs", 5);
    conf.put("storm.metricstore.rocksdb.location", dir.resolve("storm_rocks").toString());
    conf.put("supervisor.childopts", "-Xmx160m -XX:+UseSerialGC");
    conf.put("topology.worker.logwriter.childopts", "-Xmx32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    for (String daemon : List.of("nimbus", "supervisor")) {
      Map<String, Object> own = new LinkedHashMap<>(conf);
      own.put("storm.local.dir", dir.resolve(daemon + "-local").toString());
      Path yaml = dir.resolve(daemon + ".yaml");
      Files.writeString(yaml, StormYaml.render(own));
      String cp = StormCluster.STORM_HOME.resolve("lib") + File.separator + "*" + File.pathSeparator
          + (daemon.equals("nimbus") ? StormCluster.STORM_HOME.resolveSibling("nimbus-lib") + File.separator + "*"
              + File.pathSeparator : "") + StormCluster.STORM_HOME.resolve("conf");
      List<String> cmd = List.of(StormCluster.javaBin(), daemon.equals("nimbus") ? "-Xmx384m" : "-Xmx160m", "-cp", cp,
          "-Dstorm.home=" + StormCluster.STORM_HOME, "-Dstorm.conf.file=" + yaml,
          "-Dstorm.log.dir=" + dir.resolve("logs"),
          "-Dlog4j.configurationFile=" + StormCluster.STORM_HOME.resolve("log4j2").resolve("cluster.xml"),
          daemon.equals("nimbus") ? "org.apache.storm.daemon.nimbus.Nimbus"
              : "org.apache.storm.daemon.supervisor.Supervisor");
      daemons.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(daemon + ".log").toFile())
          .start());
    }
    StormCluster.await(Duration.ofMinutes(2), "the standalone Supervisor registered with its Nimbus", () -> {
      try {
        return StormCluster.nimbus(nimbusPort, n -> n.getClusterInfo().get_supervisors_size() == 1);
      } catch (Exception e) {
        return false;
      }
    });
    return nimbusPort;
  }

  private double[] medians(String way) {
    List<double[]> rs = results.get(way);
    double[] out = new double[3];
    for (int k = 0; k < 3; k++) {
      final int j = k;
      double[] v = rs.stream().mapToDouble(r -> r[j]).sorted().toArray();
      out[k] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
    return out;
  }

  /** The topology's own setting (its class is only in the topology jar). */
  private static final class WordCountSettings {
    static final String REPORT_DIR = "wordcount.report.dir";
  }
}
