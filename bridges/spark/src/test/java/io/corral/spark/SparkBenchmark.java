package io.corral.spark;

import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The same Spark application ({@code apps/Bench}: a group-by of generated rows, then a job of
 * 10,000 tiny tasks) on Corral and on Spark's own standalone cluster (Master + Workers from
 * spark-core), with the same executor count and sizes, alternately, {@code --runs} times each.
 * Prints, per way, the median of: driver JVM start to all executors registered, group-by time,
 * tiny-task job time; then the Corral/standalone ratios. Not a test: see docs/benchmarks.md.
 */
public final class SparkBenchmark {
  private static final Pattern BENCH = Pattern.compile(
      "BENCH registered_ms=(\\d+) groupby_ms=(\\d+) tiny_ms=(\\d+) check=(\\S+)");
  private final Map<String, String> opts = new LinkedHashMap<>();
  private final Map<String, List<long[]>> results = new LinkedHashMap<>();

  public static void main(String[] args) throws Exception {
    SparkBenchmark b = new SparkBenchmark();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        System.err.println("usage: SparkBenchmark [--rows=4000000] [--partitions=8] [--tiny=10000] [--nodes=2]"
            + " [--executor-cores=2] [--executor-memory=1g] [--runs=3] [--work=target/spark-bench]");
        System.exit(2);
      }
      b.opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    b.run();
    System.exit(0);
  }

  private String opt(String name, String dflt) {
    return opts.getOrDefault(name, dflt);
  }

  private void run() throws Exception {
    Path work = Path.of(opt("work", "target/spark-bench")).toAbsolutePath();
    int nodes = Integer.parseInt(opt("nodes", "2"));
    int cores = Integer.parseInt(opt("executor-cores", "2"));
    String memory = opt("executor-memory", "1g");
    int runs = Integer.parseInt(opt("runs", "3"));
    List<String> appArgs = List.of(Integer.toString(nodes), opt("rows", "4000000"), opt("partitions", "8"),
        opt("tiny", "10000"));
    System.out.printf("%d nodes of %d cpus; %d executors of %d cores and %s; app args %s; %d runs each%n",
        nodes, cores, nodes, cores, memory, appArgs, runs);
    io.corral.bridges.testkit.TestDirs.fresh(work);
    SparkApps apps = SparkApps.startFor(work.resolve("corral"), nodes, Resources.parse("cpus:" + cores + ";mem:4096"));
    Standalone standalone = new Standalone(work.resolve("standalone"), nodes, cores);
    try {
      Path jar = apps.appJar();
      List<String> common = List.of("--conf", "spark.executor.cores=" + cores, "--conf", "spark.executor.memory="
          + memory, "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
          "--conf", "spark.executor.extraJavaOptions=-XX:+UseParallelGC");
      for (int i = 1; i <= runs; i++) {
        List<String> corral = new ArrayList<>(common);
        corral.addAll(List.of("--conf", "spark.executor.instances=" + nodes));
        measure("corral", apps, apps.submitUrl(), corral, jar, appArgs, work.resolve("corral-" + i + ".log"));
        List<String> sa = new ArrayList<>(common);
        sa.addAll(List.of("--conf", "spark.cores.max=" + nodes * cores));
        measure("standalone", apps, standalone.url(), sa, jar, appArgs, work.resolve("standalone-" + i + ".log"));
      }
    } finally {
      standalone.close();
      apps.close();
    }
    System.out.println();
    System.out.printf("%-12s %22s %14s %14s%n", "way", "executors registered", "group-by", "10k tiny tasks");
    long[] c = medians("corral");
    long[] s = medians("standalone");
    System.out.printf("%-12s %19d ms %11d ms %11d ms%n", "corral", c[0], c[1], c[2]);
    System.out.printf("%-12s %19d ms %11d ms %11d ms%n", "standalone", s[0], s[1], s[2]);
    System.out.printf("%-12s %22.2f %14.2f %14.2f%n", "ratio", (double) c[0] / s[0], (double) c[1] / s[1],
        (double) c[2] / s[2]);
  }

  private void measure(String way, SparkApps apps, String master, List<String> conf, Path jar, List<String> appArgs,
      Path log) throws Exception {
    Process p = apps.submit(master, conf, "io.corral.spark.apps.Bench", jar, appArgs, log);
    int rc = SparkApps.await(p, log);
    Matcher m = BENCH.matcher(Files.readString(log));
    if (rc != 0 || !m.find()) {
      throw new IllegalStateException(way + " run failed (exit " + rc + "); see " + log);
    }
    long[] r = {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    results.computeIfAbsent(way, k -> new ArrayList<>()).add(r);
    System.out.printf("%-10s registered %5d ms  group-by %6d ms  tiny %6d ms  (%s)%n", way, r[0], r[1], r[2],
        m.group(4));
  }

  private long[] medians(String way) {
    List<long[]> rs = results.get(way);
    long[] out = new long[3];
    for (int i = 0; i < 3; i++) {
      int k = i;
      List<Long> v = rs.stream().map(r -> r[k]).sorted().toList();
      out[i] = v.get(v.size() / 2);
    }
    return out;
  }

  /** Spark's standalone Master and Workers, as child JVMs on Spark's own jars. */
  private static final class Standalone implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final int port;

    Standalone(Path dir, int workers, int cores) throws Exception {
      Files.createDirectories(dir);
      port = freePort();
      processes.add(start(dir.resolve("master.log"), List.of("org.apache.spark.deploy.master.Master", "--host",
          "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort()))));
      for (int i = 0; i < workers; i++) {
        Path wd = dir.resolve("worker-" + i);
        Files.createDirectories(wd);
        processes.add(start(dir.resolve("worker-" + i + ".log"), List.of("org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1", "--cores", Integer.toString(cores), "--memory", "4g", "--work-dir", wd.toString(),
            "--webui-port", Integer.toString(freePort()), url())));
      }
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (countRegistered(dir.resolve("master.log")) < workers) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("standalone workers did not register; see " + dir);
        }
        Thread.sleep(100); // polling the master's log for worker registrations
      }
    }

    String url() {
      return "spark://127.0.0.1:" + port;
    }

    private static long countRegistered(Path masterLog) throws IOException {
      return Files.exists(masterLog) ? Files.readString(masterLog).lines()
          .filter(l -> l.contains("Registering worker")).count() : 0;
    }

    private static Process start(Path log, List<String> args) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx512m"));
      cmd.addAll(SparkApps.moduleOptions());
      cmd.addAll(List.of("-cp", SparkApps.SPARK_HOME.resolve("jars") + File.separator + "*"));
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("SPARK_HOME", SparkApps.SPARK_HOME.toString());
      pb.environment().put("SPARK_SCALA_VERSION", "2.13");
      return pb.start();
    }

    private static int freePort() throws IOException {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      }
    }

    @Override
    public void close() {
      for (Process p : processes) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }
}
