package io.corral.benchmarks;

import io.corral.common.process.ProcessTree;
import io.corral.local.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real local cluster for the benchmarks that run real tasks ({@link PreemptionBenchmark}'s local
 * pool, {@link HealthCheckBenchmark}): a master in this JVM ({@link LocalCluster}) and agents that are
 * {@code corral agent} processes, whose executors and tasks are processes too.
 * Closing it stops the agents (which stop their executors and tasks) and the master, then kills and
 * reports any process this JVM started that is still alive, and deletes the work dir. A shutdown
 * hook does the same if the benchmark is interrupted.
 */
final class LocalProcessCluster implements AutoCloseable {
  private final Path dir;
  private final LocalCluster cluster;
  private final Thread hook;
  private boolean closed;

  private LocalProcessCluster(Path dir, LocalCluster cluster) {
    this.dir = dir;
    this.cluster = cluster;
    this.hook = new Thread(this::close, "local-cluster-stopper");
  }

  /**
   * Starts the cluster {@code configure} describes (its agents made processes) in a new temporary
   * directory named after {@code purpose}; returns once every agent is registered.
   */
  static LocalProcessCluster start(String purpose, UnaryOperator<LocalCluster.Builder> configure)
      throws IOException {
    Path dir = Files.createTempDirectory("corral-" + purpose);
    LocalCluster cluster = configure.apply(LocalCluster.builder(dir)).mode(LocalCluster.Mode.PROCESSES).build();
    LocalProcessCluster pool = new LocalProcessCluster(dir, cluster);
    Runtime.getRuntime().addShutdownHook(pool.hook);
    try {
      cluster.start();
    } catch (IOException | RuntimeException e) {
      pool.close();
      throw e;
    }
    return pool;
  }

  String master() {
    return cluster.masterAddress().toString();
  }

  String httpUrl() {
    return cluster.master().httpUrl();
  }

  /** The agent processes' ids, in order. */
  List<Long> agentPids() {
    List<Long> out = new java.util.ArrayList<>();
    for (int i = 0; i < cluster.agents().size(); i++) {
      out.add(cluster.processAgent(i).pid());
    }
    return out;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (Thread.currentThread() != hook) {
      Runtime.getRuntime().removeShutdownHook(hook);
    }
    List<ProcessHandle> started = ProcessHandle.current().descendants().toList();
    java.util.Map<Long, String> before = new java.util.HashMap<>();
    started.forEach(p -> before.put(p.pid(), describe(p)));
    cluster.close();
    List<ProcessHandle> left = started.stream().filter(LocalProcessCluster::running).toList();
    if (!left.isEmpty()) {
      System.out.printf("%d of the %d processes started outlived the cluster's stop; killing them:%n", left.size(),
          started.size());
      left.forEach(p -> System.out.printf("  %s (before the stop: %s)%n", describe(p), before.get(p.pid())));
      left.forEach(p -> ProcessTree.kill(p, Duration.ZERO).join());
    } else {
      System.out.printf("all %d processes started (agents, executors, tasks) ended with the cluster%n",
          started.size());
    }
    try {
      TempDir.delete(dir);
    } catch (IOException | RuntimeException e) {
      System.err.println("cannot delete " + dir + ": " + e);
    }
  }

  /**
   * Alive and not a zombie: a task's process killed after its parent shell is re-parented to init
   * and stays a zombie until init reaps it.
   */
  private static boolean running(ProcessHandle p) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
      return p.isAlive() && !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false; // gone
    }
  }

  /** Pid, state, parent and command line of a process, from /proc. */
  private static String describe(ProcessHandle p) {
    Path proc = Path.of("/proc", Long.toString(p.pid()));
    try {
      String stat = Files.readString(proc.resolve("stat"));
      String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ').trim();
      return p.pid() + " state " + afterName[0] + " parent " + afterName[1] + ": " + cmdline;
    } catch (IOException | RuntimeException e) {
      return p.pid() + " (gone: " + e.getMessage() + ")";
    }
  }
}
