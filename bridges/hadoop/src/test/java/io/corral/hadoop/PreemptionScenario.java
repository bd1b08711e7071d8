package io.corral.hadoop;

import io.corral.hadoop.PreemptionPool.QueueUsage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One run of {@link HadoopPreemptionBenchmark} on one pool: a flood of sleep-job maps in queue
 * {@code a} fills the pool; then a sleep job is submitted to queue {@code b}, whose guarantee is half
 * the pool's cpus. Each job is submitted by its own client JVM ({@code RunJar} of the
 * hadoop-mapreduce-client-jobclient tests jar, {@code sleep}, as {@code hadoop jar} does). The run
 * polls the pool every 50 ms from the arriving client's start until queue {@code b} holds its
 * guarantee.
 */
final class PreemptionScenario {
  static final String FLOOD = "a";
  static final String ARRIVING = "b";
  private static final Duration POLL = Duration.ofMillis(50);

  /**
   * @param poolCpus the pool's cpus: the flood holds them all before the arriving job comes
   * @param taskMemMb the memory of each map and AM container
   * @param amPolicy {@code yarn.app.mapreduce.am.preemption.policy} for both jobs, or empty for each pool's default
   */
  record Settings(double poolCpus, long taskMemMb, int floodMaps, int arrivingMaps, Duration mapTime,
      String amPolicy) {
    double guarantee() {
      return poolCpus / 2;
    }

    /** Maps and AMs of 1 cpu (the vcore default) and a node's memory per cpu, on both pools. */
    List<String> tasks() {
      String opts = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
      return List.of("-Dmapreduce.map.memory.mb=" + taskMemMb, "-Dmapreduce.map.java.opts=" + opts,
          "-Dyarn.app.mapreduce.am.resource.mb=" + taskMemMb, "-Dyarn.app.mapreduce.am.command-opts=" + opts,
          "-Dyarn.app.mapreduce.am.staging-dir=/staging", "-Dmapreduce.map.speculative=false");
    }
  }

  /**
   * Seconds from the arriving job's client start; NaN when not seen.
   *
   * @param submitted when the pool first knew the arriving job (YARN: an application in queue b; Corral: a
   *     framework in role b)
   * @param firstPreempted when the pool first counted a container (task) of the flood as preempted
   * @param half when queue b first held half its guarantee
   * @param guarantee when it first held all of it
   * @param preempted the flood's containers (tasks) preempted by then
   * @param floodCpus what the flood held then
   */
  record Timing(String pool, int run, String loadBefore, String loadAfter, double floodFill, double submitted,
      double firstPreempted, double half, double guarantee, long preempted, double floodCpus) {
    /** The figure compared: from the arriving job's submission until its queue holds the guarantee. */
    double fromSubmission() {
      return guarantee - submitted;
    }
  }

  private final Settings settings;
  private final String classpath;

  PreemptionScenario(Settings settings, String classpath) {
    this.settings = settings;
    this.classpath = classpath;
  }

  Timing run(PreemptionPool pool, int run, Path dir) throws Exception {
    Files.createDirectories(dir);
    List<Process> clients = new ArrayList<>();
    try {
      long floodStart = System.nanoTime();
      Process flood = start(pool, FLOOD, settings.floodMaps(), dir.resolve("flood-client.log"));
      clients.add(flood);
      await(pool, u -> u.get(FLOOD).cpus() >= settings.poolCpus(), flood, dir.resolve("flood-client.log"),
          Duration.ofMinutes(5), "the flood holding all " + settings.poolCpus() + " cpus of the pool");
      double floodFill = seconds(floodStart);
      pool.guarantee(ARRIVING, settings.guarantee());

      String loadBefore = loadAverage();
      long t0 = System.nanoTime();
      Path arrivingLog = dir.resolve("arriving-client.log");
      Process arriving = start(pool, ARRIVING, settings.arrivingMaps(), arrivingLog);
      clients.add(arriving);
      double submitted = Double.NaN;
      double firstPreempted = Double.NaN;
      double half = Double.NaN;
      long deadline = t0 + Duration.ofMinutes(10).toNanos();
      while (true) {
        Map<String, QueueUsage> u = pool.usage();
        QueueUsage b = u.getOrDefault(ARRIVING, QueueUsage.NONE);
        QueueUsage a = u.getOrDefault(FLOOD, QueueUsage.NONE);
        double now = seconds(t0);
        if (b.submitted() && Double.isNaN(submitted)) {
          submitted = now;
        }
        if (a.preempted() > 0 && Double.isNaN(firstPreempted)) {
          firstPreempted = now;
        }
        if (b.cpus() >= settings.guarantee() / 2 && Double.isNaN(half)) {
          half = now;
        }
        if (b.cpus() >= settings.guarantee()) {
          return new Timing(pool.name(), run, loadBefore, loadAverage(), floodFill, submitted, firstPreempted, half,
              now, a.preempted(), a.cpus());
        }
        check(arriving, arrivingLog, "the arriving job");
        check(flood, dir.resolve("flood-client.log"), "the flood");
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(pool.name() + ": queue " + ARRIVING + " held " + b.cpus() + " of its "
              + settings.guarantee() + " cpus 10 minutes after its job's submission; see " + dir);
        }
        Thread.sleep(POLL.toMillis()); // sampling the pool's state, not synchronising on time
      }
    } finally {
      clients.forEach(Process::destroyForcibly);
    }
  }

  /** Starts a client JVM that submits a sleep job of {@code maps} maps and no reduce to {@code queue}. */
  private Process start(PreemptionPool pool, String queue, int maps, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
        "org.apache.hadoop.util.RunJar", jobclientTestsJar(), "sleep"));
    cmd.addAll(pool.clientOptions());
    cmd.addAll(settings.tasks());
    cmd.add("-Dmapreduce.job.queuename=" + queue);
    if (!settings.amPolicy().isEmpty()) {
      cmd.add("-Dyarn.app.mapreduce.am.preemption.policy=" + settings.amPolicy());
    }
    cmd.addAll(List.of("-m", Integer.toString(maps), "-r", "0", "-mt", Long.toString(settings.mapTime().toMillis())));
    return new ProcessBuilder(cmd).directory(log.getParent().toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
  }

  /** The jar of Hadoop's {@code SleepJob} (its main class, MapredTestDriver, runs it as {@code sleep}). */
  private String jobclientTestsJar() {
    return Arrays.stream(classpath.split(File.pathSeparator))
        .filter(p -> p.contains("hadoop-mapreduce-client-jobclient") && p.endsWith("-tests.jar")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no hadoop-mapreduce-client-jobclient tests jar on the classpath"));
  }

  private static void await(PreemptionPool pool, Predicate<Map<String, QueueUsage>> done, Process client, Path log,
      Duration timeout, String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(withDefaults(pool.usage()))) {
      check(client, log, what);
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(pool.name() + ": no " + what + " within " + timeout + "; see " + log);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private static Map<String, QueueUsage> withDefaults(Map<String, QueueUsage> usage) {
    Map<String, QueueUsage> out = new java.util.HashMap<>(usage);
    out.putIfAbsent(FLOOD, QueueUsage.NONE);
    out.putIfAbsent(ARRIVING, QueueUsage.NONE);
    return out;
  }

  /** A job's client ends only when its job does, which these jobs must not before the run ends. */
  private static void check(Process client, Path log, String what) {
    if (!client.isAlive()) {
      throw new IllegalStateException("the client of " + what + " ended (exit " + client.exitValue() + "); see " + log);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }
}
