package io.corral.hadoop;

import io.corral.common.resources.Resources;
import io.corral.hadoop.common.CorralMr;
import io.corral.hadoop.PreemptionScenario.Settings;
import io.corral.hadoop.PreemptionScenario.Timing;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * Time for an under-served queue to reach its guarantee, Corral against YARN's CapacityScheduler
 * with preemption on, at the same grace (Corral's {@code --preemption-grace}, YARN's
 * {@code max_wait_before_kill}). On the same pool (N agents / NodeManagers of the same size) a
 * flood of MapReduce sleep-job maps in queue (role) {@code a} takes every cpu; then a sleep job is
 * submitted to {@code b}, guaranteed half the pool's cpus (YARN: capacity 50% each; the containers
 * take memory and cpus in the pool's proportion, so YARN's default calculator, memory only, counts
 * as Corral's cpus do; Corral: a quota guarantee). The figure is the time from the arriving
 * job's submission until {@code b} holds its guarantee. The pool holds 16 containers by default: YARN
 * preempts at most {@code total_preemption_per_round} (a tenth) of the cluster per round, and never
 * a container larger than that, so on a pool of 8 it would preempt nothing. Runs alternate between the pools (A B A B),
 * each on a fresh cluster; one MiniDFSCluster serves all. Not a test; see docs/benchmarks.md.
 *
 * <p>Options: {@code --runs=2} (of each pool), {@code --nodes=2}, {@code --node=cpus:8;mem:8192},
 * {@code --grace=15s}, {@code --flood-maps=32}, {@code --arriving-maps=12}, {@code --map-seconds=600},
 * {@code --am-policy=} ({@code kill} or {@code noop} for both jobs; empty: each pool's default),
 * {@code --scheduler-task-share=0.25} (Corral's), {@code --order=corral,yarn},
 * {@code --work=target/preemption-bench}.
 */
public final class HadoopPreemptionBenchmark {
  private static final Map<String, String> POLICIES = Map.of(
      "kill", "org.apache.hadoop.mapreduce.v2.app.rm.preemption.KillAMPreemptionPolicy",
      "noop", "org.apache.hadoop.mapreduce.v2.app.rm.preemption.NoopAMPreemptionPolicy",
      "", "");

  private final Map<String, String> opts = new LinkedHashMap<>();
  /** This JVM's classpath with absolute entries: the clients and agents run in other directories. */
  private final String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
      .map(e -> Path.of(e).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));

  public static void main(String[] args) throws Exception {
    HadoopPreemptionBenchmark b = new HadoopPreemptionBenchmark();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        System.err.println("usage: HadoopPreemptionBenchmark [--runs=2] [--nodes=2] [--node=cpus:8;mem:8192]"
            + " [--grace=15s] [--flood-maps=32] [--arriving-maps=12] [--map-seconds=600] [--am-policy=kill|noop]"
            + " [--scheduler-task-share=0.25] [--order=corral,yarn] [--work=DIR]");
        System.exit(2);
      }
      b.opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    // Stopped before its end (Ctrl-C, kill), it leaves no job client, agent or container behind.
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly), "process-reaper"));
    int rc = 0;
    try {
      b.run();
    } catch (Exception e) {
      e.printStackTrace();
      rc = 1;
    }
    System.exit(rc); // the mini clusters leave non-daemon threads behind
  }

  private String opt(String name, String dflt) {
    return opts.getOrDefault(name, dflt);
  }

  private void run() throws Exception {
    Path work = Path.of(opt("work", "target/preemption-bench")).toAbsolutePath();
    HadoopBenchmark.deleteRecursively(work);
    Files.createDirectories(work);
    int runs = Integer.parseInt(opt("runs", "2"));
    int nodes = Integer.parseInt(opt("nodes", "2"));
    Resources node = Resources.parse(opt("node", "cpus:8;mem:8192"));
    Duration grace = Duration.parse("PT" + opt("grace", "15s").toUpperCase(Locale.ROOT));
    double share = Double.parseDouble(opt("scheduler-task-share", "0.25"));
    List<String> order = Arrays.asList(opt("order", "corral,yarn").split(","));
    String policy = POLICIES.get(opt("am-policy", ""));
    if (policy == null) {
      throw new IllegalArgumentException("--am-policy is kill, noop or empty, not " + opt("am-policy", ""));
    }
    Settings settings = new Settings(node.cpus() * nodes, Math.round(node.mem() / node.cpus()), Integer.parseInt(opt("flood-maps", "32")),
        Integer.parseInt(opt("arriving-maps", "12")), Duration.ofSeconds(Long.parseLong(opt("map-seconds", "600"))),
        policy);
    // On Corral each job's containers on an agent run in that job's TaskTracker executor, which takes memory of its
    // own (corral.tasktracker.memory.mb): the agents have one per job (2) on top, as a NodeManager's own heap is
    // outside its memory-mb. Without it an agent running both jobs holds a container fewer than a NodeManager.
    Resources taskTracker = Resources.builder().mem(2 * CorralMr.TASKTRACKER_MEMORY_MB_DEFAULT).build();
    PreemptionScenario scenario = new PreemptionScenario(settings, classpath);

    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 1);
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf, work.resolve("dfs").toFile()).numDataNodes(1).build();
    List<Timing> timings = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    try {
      String fs = hdfs.getURI().toString();
      System.out.printf("HDFS %s; %d nodes of %s (Corral's agents: %s); containers of 1 cpu and %d MiB; grace %s; flood: %d maps in queue %s; arriving: %d maps in queue"
          + " %s, guaranteed %.1f cpus; maps of %d s; AM preemption policy: %s; %d runs of each, in the order %s%n",
          fs, nodes, node, node.plus(taskTracker), settings.taskMemMb(), grace, settings.floodMaps(), PreemptionScenario.FLOOD, settings.arrivingMaps(),
          PreemptionScenario.ARRIVING, settings.guarantee(), settings.mapTime().toSeconds(),
          policy.isEmpty() ? "each pool's default" : policy, runs, order);
      for (int run = 1; run <= runs; run++) {
        for (String way : order) {
          String name = way + "-" + run;
          Path dir = work.resolve(name);
          try (PreemptionPool pool = switch (way) {
            case "corral" -> CorralPreemptionPool.start(dir.resolve("cluster"), nodes, node.plus(taskTracker), grace,
                share, classpath, fs);
            case "yarn" -> YarnPreemptionPool.start(name, dir.resolve("cluster"), nodes, node, grace,
                List.of(PreemptionScenario.FLOOD, PreemptionScenario.ARRIVING), fs);
            default -> throw new IllegalArgumentException("--order names corral and yarn, not " + way);
          }) {
            Timing t = scenario.run(pool, run, dir);
            timings.add(t);
            print(t);
          } catch (Exception e) {
            // One failed run is reported and the series goes on: the runs' order must stay A B A B.
            failures.add(name + ": " + e.getMessage());
            System.out.println(name + " FAILED: " + e.getMessage());
          } finally {
            reapLeftovers(name);
          }
        }
      }
      report(timings, order);
      failures.forEach(f -> System.out.println("failed run " + f));
    } finally {
      hdfs.shutdown();
    }
  }

  private static void print(Timing t) {
    System.out.printf(Locale.ROOT, "%s run %d: the flood held the pool after %.1f s; the arriving job was submitted"
        + " %.2f s after its client started; first preemption %.2f s, half the guarantee %.2f s, the guarantee"
        + " %.2f s (%.2f s after submission); %d preempted; load %s -> %s%n", t.pool(), t.run(), t.floodFill(),
        t.submitted(), t.firstPreempted(), t.half(), t.guarantee(), t.fromSubmission(), t.preempted(), t.loadBefore(),
        t.loadAfter());
  }

  private static void report(List<Timing> timings, List<String> order) {
    System.out.println();
    System.out.println("Seconds from the arriving client's start (submitted, first preemption, half, guarantee) and"
        + " from the job's submission (the figure compared):");
    System.out.println();
    System.out.println("| run | pool | load before | submitted | first preemption | half the guarantee | guarantee "
        + "| guarantee from submission | flood preempted |");
    System.out.println("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (Timing t : timings) {
      System.out.printf(Locale.ROOT, "| %d | %s | %s | %.2f s | %.2f s | %.2f s | %.2f s | **%.2f s** | %d |%n",
          t.run(), t.pool(), t.loadBefore(), t.submitted(), t.firstPreempted(), t.half(), t.guarantee(),
          t.fromSubmission(), t.preempted());
    }
    System.out.println();
    Map<String, Double> medians = new LinkedHashMap<>();
    for (String way : order) {
      medians.put(way, median(timings.stream().filter(t -> t.pool().equals(way)).map(Timing::fromSubmission)
          .toList()));
      System.out.printf(Locale.ROOT, "median, %s: %.2f s%n", way, medians.get(way));
    }
    System.out.printf(Locale.ROOT, "corral / yarn: %.2f (goal: at most 0.7)%n", medians.getOrDefault("corral",
        Double.NaN) / medians.getOrDefault("yarn", Double.NaN));
    System.out.println("load average (1 min) now: " + PreemptionScenario.loadAverage());
  }

  private static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = xs.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /**
   * Kills any process this JVM started that outlived its pool's stop (the clients are killed at the
   * end of each run; the agents', executors' and NodeManagers' children should end with them).
   */
  private static void reapLeftovers(String run) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<ProcessHandle> left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200); // giving stopped processes time to exit before they are killed
      left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    }
    if (!left.isEmpty()) {
      System.out.printf("%s: %d processes outlived the pool's stop; killing them: %s%n", run, left.size(),
          left.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?").lines().findFirst().orElse(""))
              .map(s -> s.length() > 120 ? s.substring(0, 120) + "..." : s).toList());
      left.forEach(ProcessHandle::destroyForcibly);
    }
  }
}
