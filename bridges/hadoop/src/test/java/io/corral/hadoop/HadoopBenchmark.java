package io.corral.hadoop;

import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.mapreduce.v2.MiniMRYarnCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.util.resource.DominantResourceCalculator;

/**
 * The same {@code terasort} and {@code wordcount} (unmodified examples jar, each submitted by its
 * own client JVM through {@code RunJar}, as {@code hadoop jar} does) three ways: with
 * {@code LocalJobRunner}, on Corral (a LocalCluster of N agent processes) and on YARN
 * (MiniMRYarnCluster with N node managers of the same size, DominantResourceCalculator so cpus
 * count as they do on Corral). One MiniDFSCluster holds the input and every output. Prints wall
 * times (client start to exit) and ratios. Not a test; see docs/benchmarks.md for the command.
 *
 * <p>Options: {@code --rows=1000000} (teragen rows), {@code --wordcount-mb=64},
 * {@code --nodes=2}, {@code --node=cpus:2;mem:3072}, {@code --work=target/hadoop-bench},
 * {@code --ways=local,corral,yarn}.
 */
public final class HadoopBenchmark {
  private final Map<String, String> opts = new LinkedHashMap<>();
  private Path work;
  private MiniDFSCluster hdfs;
  private final Map<String, Map<String, Double>> seconds = new LinkedHashMap<>(); // job -> way -> s
  private final Map<String, Map<String, String>> digests = new LinkedHashMap<>();
  private final List<String> loads = new ArrayList<>();
  /** This JVM's classpath with absolute entries: the clients and agents run in other directories. */
  private final String classpath = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
      .map(e -> Path.of(e).toAbsolutePath().toString()).collect(java.util.stream.Collectors.joining(
          java.io.File.pathSeparator));

  public static void main(String[] args) throws Exception {
    HadoopBenchmark b = new HadoopBenchmark();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        System.err.println("usage: HadoopBenchmark [--rows=N] [--wordcount-mb=N] [--nodes=N] [--node=cpus:2;mem:3072]"
            + " [--work=DIR] [--ways=local,corral,yarn]");
        System.exit(2);
      }
      b.opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    int rc = 0;
    try {
      b.run();
    } catch (Exception e) {
      e.printStackTrace();
      rc = 1;
    } finally {
      b.close();
    }
    System.exit(rc); // the mini clusters leave non-daemon threads behind
  }

  private String opt(String name, String dflt) {
    return opts.getOrDefault(name, dflt);
  }

  private void run() throws Exception {
    work = Path.of(opt("work", "target/hadoop-bench")).toAbsolutePath();
    deleteRecursively(work);
    Files.createDirectories(work);
    int nodes = Integer.parseInt(opt("nodes", "2"));
    Resources node = Resources.parse(opt("node", "cpus:2;mem:3072"));
    long rows = Long.parseLong(opt("rows", "1000000"));
    int wordcountMb = Integer.parseInt(opt("wordcount-mb", "64"));
    List<String> ways = Arrays.asList(opt("ways", "local,corral,yarn").split(","));

    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 1);
    hdfs = new MiniDFSCluster.Builder(conf, work.resolve("dfs").toFile()).numDataNodes(1).build();
    String fs = hdfs.getURI().toString();
    System.out.printf("HDFS %s; %d nodes of %s; terasort of %,d rows; wordcount of %d MiB%n", fs, nodes, node,
        rows, wordcountMb);

    // Inputs, written once: teragen with the local runner (not timed), text for wordcount.
    // The local runner makes one map, so one file: a block size of a quarter of it gives 4 splits.
    long block = Math.max(1, (rows * 100 / 4 + (1 << 20) - 1) >> 20) << 20;
    run("input", "teragen", List.of("-Xmx512m"), local(fs, node.cpus() * nodes),
        List.of("-Ddfs.blocksize=" + block, Long.toString(rows), "/in/tera"), false);
    writeText(hdfs.getFileSystem(), wordcountMb);

    if (ways.contains("local")) {
      jobs("local", List.of("-Xmx1g", "-XX:+UseSerialGC"), local(fs, node.cpus() * nodes));
    }
    if (ways.contains("corral")) {
      try (LocalCluster corral = LocalCluster.builder(work.resolve("corral")).agents(nodes)
          .mode(LocalCluster.Mode.PROCESSES).agentResources(node).classpath(classpath)
          .agentArgs(List.of("--hdfs-classpath", classpath)).start()) {
        corral.awaitAgents(nodes, java.time.Duration.ofMinutes(1));
        jobs("corral", List.of("-Xmx512m", "-XX:+UseSerialGC"), List.of("-Dmapreduce.framework.name=corral",
            "-Dcorral.master=" + corral.masterAddress(), "-Dfs.defaultFS=" + fs));
      }
    }
    if (ways.contains("yarn")) {
      System.setProperty("test.build.data", work.resolve("yarn").toString()); // the mini cluster's work dir
      MiniMRYarnCluster yarn = new MiniMRYarnCluster("hadoop-bench", nodes);
      try {
        Configuration y = new YarnConfiguration(conf);
        y.set("fs.defaultFS", fs);
        y.set("yarn.app.mapreduce.am.staging-dir", "/staging");
        y.setInt(YarnConfiguration.NM_PMEM_MB, (int) node.mem());
        y.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, (int) node.mem()); // what MiniYARNCluster uses
        y.setInt(YarnConfiguration.NM_VCORES, (int) node.cpus());
        y.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 64);
        y.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_VCORES, 1);
        y.set("yarn.scheduler.capacity.resource-calculator", DominantResourceCalculator.class.getName());
        y.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        y.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        yarn.init(y);
        yarn.start();
        Path site = work.resolve("yarn-client.xml");
        try (OutputStream out = Files.newOutputStream(site)) {
          yarn.getConfig().writeXml(out);
        }
        jobs("yarn", List.of("-Xmx512m", "-XX:+UseSerialGC"), List.of("-conf", site.toString()));
      } finally {
        yarn.stop();
      }
    }
    report(ways);
  }

  /** The local runner with as many concurrent maps as the clusters have cpus. */
  private static List<String> local(String fs, double cpus) {
    return List.of("-Dmapreduce.framework.name=local", "-Dfs.defaultFS=" + fs,
        "-Dmapreduce.local.map.tasks.maximum=" + (int) cpus, "-Dmapreduce.local.reduce.tasks.maximum=2");
  }

  /** Container sizes and task settings every way shares (the clusters' AM too). */
  private static final List<String> TASKS = List.of("-Dmapreduce.job.reduces=2",
      "-Dmapreduce.map.memory.mb=512", "-Dmapreduce.reduce.memory.mb=512",
      "-Dmapreduce.map.java.opts=-Xmx384m -XX:+UseSerialGC", "-Dmapreduce.reduce.java.opts=-Xmx384m -XX:+UseSerialGC",
      "-Dmapreduce.task.io.sort.mb=64", "-Dyarn.app.mapreduce.am.resource.mb=512",
      "-Dyarn.app.mapreduce.am.command-opts=-Xmx384m -XX:+UseSerialGC", "-Dyarn.app.mapreduce.am.staging-dir=/staging",
      "-Dmapreduce.map.speculative=false", "-Dmapreduce.reduce.speculative=false");

  private void jobs(String way, List<String> jvm, List<String> frameworkOpts) throws Exception {
    run(way, "terasort", jvm, frameworkOpts, List.of("/in/tera", "/out/" + way + "/terasort"), true);
    run(way, "wordcount", jvm, frameworkOpts, List.of("/in/text", "/out/" + way + "/wordcount"), true);
  }

  private void run(String way, String program, List<String> jvm, List<String> frameworkOpts, List<String> args,
      boolean timed) throws Exception {
    Path dir = work.resolve("runs").resolve(way + "-" + program);
    Files.createDirectories(dir);
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvm);
    cmd.addAll(List.of("-cp", classpath, "org.apache.hadoop.util.RunJar",
        HadoopJobs.examplesJar(), program));
    cmd.addAll(frameworkOpts);
    cmd.addAll(TASKS);
    cmd.addAll(args);
    String load = loadAverage();
    long start = System.nanoTime();
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("client.log").toFile()).start();
    if (!p.waitFor(30, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(way + " " + program + " did not end within 30 minutes");
    }
    double s = (System.nanoTime() - start) / 1e9;
    if (p.exitValue() != 0) {
      throw new IllegalStateException(way + " " + program + " failed (exit " + p.exitValue() + "); see "
          + dir.resolve("client.log"));
    }
    System.out.printf("%-8s %-10s %7.1f s   (load average before: %s)%n", way, program, s, load);
    if (timed) {
      loads.add(load);
      seconds.computeIfAbsent(program, k -> new LinkedHashMap<>()).put(way, s);
      digests.computeIfAbsent(program, k -> new LinkedHashMap<>()).put(way, digest(args.get(1)));
    }
  }

  private void report(List<String> ways) {
    System.out.println();
    System.out.printf("%-10s", "job");
    ways.forEach(w -> System.out.printf(" %9s", w + " s"));
    System.out.printf(" %13s %13s %12s  %s%n", "corral/yarn", "corral/local", "yarn/local", "same output");
    for (var e : seconds.entrySet()) {
      Map<String, Double> t = e.getValue();
      System.out.printf("%-10s", e.getKey());
      ways.forEach(w -> System.out.printf(" %9.1f", t.getOrDefault(w, Double.NaN)));
      System.out.printf(" %13.2f %13.2f %12.2f  %s%n", ratio(t, "corral", "yarn"), ratio(t, "corral", "local"),
          ratio(t, "yarn", "local"), digests.get(e.getKey()).values().stream().distinct().count() == 1 ? "yes" : "NO");
    }
    System.out.println("load average (1 min) before each timed run: " + loads + "; now: " + loadAverage());
  }

  private static double ratio(Map<String, Double> t, String a, String b) {
    return t.getOrDefault(a, Double.NaN) / t.getOrDefault(b, Double.NaN);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  /** A digest of the job's part files in name order: the three ways must write the same bytes. */
  private String digest(String dir) throws Exception {
    FileSystem fs = hdfs.getFileSystem();
    FileStatus[] parts = fs.globStatus(new org.apache.hadoop.fs.Path(dir, "part-*"));
    Arrays.sort(parts, Comparator.comparing(f -> f.getPath().getName()));
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 16];
    for (FileStatus f : parts) {
      try (InputStream in = fs.open(f.getPath())) {
        for (int n = in.read(buf); n > 0; n = in.read(buf)) {
          md.update(buf, 0, n);
        }
      }
    }
    return HexFormat.of().formatHex(md.digest()).substring(0, 16);
  }

  /** 4 files of text from a fixed vocabulary of 20,000 words, skewed like natural text. */
  private static void writeText(FileSystem fs, int mb) throws IOException {
    Random random = new Random(42);
    String[] vocabulary = new String[20_000];
    for (int i = 0; i < vocabulary.length; i++) {
      StringBuilder w = new StringBuilder();
      for (int c = 0, len = 3 + random.nextInt(8); c < len; c++) {
        w.append((char) ('a' + random.nextInt(26)));
      }
      vocabulary[i] = w.toString();
    }
    long perFile = (long) mb * 1024 * 1024 / 4;
    for (int f = 0; f < 4; f++) {
      try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(
          fs.create(new org.apache.hadoop.fs.Path("/in/text/part-" + f)), StandardCharsets.UTF_8))) {
        long written = 0;
        while (written < perFile) {
          StringBuilder line = new StringBuilder();
          for (int w = 0; w < 12; w++) {
            double u = random.nextDouble();
            line.append(vocabulary[(int) (vocabulary.length * u * u * u)]).append(' ');
          }
          line.setCharAt(line.length() - 1, '\n');
          out.write(line.toString());
          written += line.length();
        }
      }
    }
  }

  private void close() {
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  /** Deletes {@code dir} and everything under it, if it exists (also for HadoopPreemptionBenchmark). */
  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
