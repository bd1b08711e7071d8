package io.corral.benchmarks;

import io.corral.agent.isolation.CgroupLayout;
import io.corral.agent.isolation.ContainerCgroups;
import io.corral.agent.isolation.ContainerLimits;
import io.corral.agent.isolation.IsolationSettings;
import io.corral.agent.isolation.Isolators;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What isolation costs: launch-to-RUNNING latency of command tasks with cgroup isolation and
 * without (a real master and agent in this JVM, real command executor and task processes), and
 * the agent's CPU time to sample the usage of 100 executors (one read of each one's cgroup
 * files, against a {@code /proc} scan of each one's process tree). See docs/benchmarks.md.
 */
@Command(name = "isolation-benchmark", mixinStandardHelpOptions = true,
    description = "Launch latency with and without cgroups, and the CPU cost of usage sampling.")
public final class IsolationBenchmark implements Callable<Integer> {
  @Option(names = "--launches", defaultValue = "200", description = "Measured launches per setting (default: ${DEFAULT-VALUE}).")
  int launches;

  @Option(names = "--warmup", defaultValue = "20", description = "Launches not measured first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--executors", defaultValue = "100", description = "Executors sampled (default: ${DEFAULT-VALUE}).")
  int executors;

  @Option(names = "--rounds", defaultValue = "200", description = "Sampling rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--dir", description = "Where the temporary directory goes (default: java.io.tmpdir).")
  Path dir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new IsolationBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    System.out.println(Machine.describe());
    Isolators probe = Isolators.select(IsolationSettings.DEFAULT, CgroupLayout.ofThisProcess());
    System.out.println("isolation here: " + probe.description());
    if (!probe.cgroups()) {
      System.out.println("no writable cgroups here: nothing to compare");
      return 1;
    }
    Path root = java.nio.file.Files.createTempDirectory(dir == null ? Path.of(System.getProperty("java.io.tmpdir")) : dir,
        "corral-isolation-bench");
    TempDir.deleteOnExit(root);
    try {
      Histogram[] both = launchLatency(root);
      Histogram with = both[0];
      Histogram without = both[1];
      System.out.printf("launch to RUNNING, %d launches, cgroups (cpu, mem, pids, task cgroup nested): %s%n",
          launches, Figure.percentiles(with));
      System.out.printf("launch to RUNNING, %d launches, no cgroups (--isolation=disk/du):            %s%n",
          launches, Figure.percentiles(without));
      System.out.printf("cgroups add at p50: %.2f ms%n",
          Figure.ms(with.getValueAtPercentile(50) - without.getValueAtPercentile(50)));
      cgroupOperations(probe);
      sampling(probe);
    } finally {
      TempDir.delete(root);
    }
    return 0;
  }

  /** A scheduler that hands offers and updates to the benchmark's thread. */
  private static final class Queues implements Scheduler {
    final BlockingQueue<Offer> offers = new LinkedBlockingQueue<>();
    final Map<String, BlockingQueue<TaskStatus>> updates = new ConcurrentHashMap<>();

    @Override
    public void resourceOffers(SchedulerDriver driver, List<Offer> o) {
      offers.addAll(o);
    }

    @Override
    public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
      updates.computeIfAbsent(status.getTaskId(), k -> new LinkedBlockingQueue<>()).add(status);
    }

    TaskStatus await(String taskId, TaskState state) throws InterruptedException {
      BlockingQueue<TaskStatus> q = updates.computeIfAbsent(taskId, k -> new LinkedBlockingQueue<>());
      while (true) {
        TaskStatus s = q.poll(60, TimeUnit.SECONDS);
        if (s == null) {
          throw new IllegalStateException("no " + state + " for " + taskId + " within 60 s");
        }
        if (s.getState() == state) {
          return s;
        }
        if (io.corral.common.task.TaskStates.isTerminal(s.getState())) {
          throw new IllegalStateException(taskId + " ended " + s.getState() + ": " + s.getMessage());
        }
      }
    }
  }

  /** A cluster of one agent and a framework on it, launching one task at a time. */
  private static final class Bench implements AutoCloseable {
    final LocalCluster cluster;
    final Queues q = new Queues();
    final CorralSchedulerDriver driver;
    final Histogram h = Figure.nanos();
    int seq;

    Bench(Path work, List<String> isolation) throws Exception {
      cluster = LocalCluster.builder(work).agents(1)
          .agentResources(Resources.parse("cpus:2;mem:2048;disk:2048"))
          .masterConfig(m -> m.allocationInterval(Duration.ofMillis(20)))
          .agentConfig(a -> a.isolation(i -> i.withRequested(isolation))
              .commandExecutorIdleTimeout(Duration.ofMinutes(5)))
          .start();
      driver = new CorralSchedulerDriver(q, FrameworkInfo.newBuilder().setName("bench").build(),
          cluster.masterAddress().toString());
      driver.start();
    }

    /** launchTasks() to its TASK_RUNNING, recorded when {@code measure}; then the task is killed. */
    void launch(boolean measure) throws Exception {
      Offer offer = q.offers.poll(60, TimeUnit.SECONDS);
      if (offer == null) {
        throw new IllegalStateException("no offer within 60 s");
      }
      String id = "t" + seq++;
      TaskInfo task = TaskInfos.command(id, offer, Resources.parse("cpus:0.1;mem:32"), TaskInfos.shell("exec sleep 60"));
      long start = System.nanoTime();
      driver.launchTasks(List.of(offer.getId()), List.of(task));
      q.await(id, TaskState.TASK_RUNNING);
      long took = System.nanoTime() - start;
      if (measure) {
        h.recordValue(took);
      }
      driver.killTask(id);
      q.await(id, TaskState.TASK_KILLED);
    }

    @Override
    public void close() throws Exception {
      driver.stop();
      driver.join();
      cluster.close();
    }
  }

  /**
   * Both settings side by side, in alternating blocks of launches (so that drift of the machine
   * falls on both alike); warm command executors.
   */
  private Histogram[] launchLatency(Path work) throws Exception {
    try (Bench with = new Bench(work.resolve("cgroups"), List.of());
        Bench without = new Bench(work.resolve("none"), List.of("disk/du"))) {
      for (int i = 0; i < warmup; i++) {
        with.launch(false);
        without.launch(false);
      }
      int block = 20;
      for (int done = 0; done < launches; done += block) {
        for (int i = 0; i < Math.min(block, launches - done); i++) {
          with.launch(true);
        }
        for (int i = 0; i < Math.min(block, launches - done); i++) {
          without.launch(true);
        }
      }
      return new Histogram[] {with.h, without.h};
    }
  }

  /** The cgroup work of one command task, alone: create its cgroups with limits, and remove them. */
  private void cgroupOperations(Isolators isolators) throws Exception {
    ContainerCgroups c = isolators.container("bench-" + ProcessHandle.current().pid(), "ops", true).orElseThrow();
    c.create(new ContainerLimits(1, 256L << 20, 0, 0));
    Histogram create = Figure.nanos();
    Histogram destroy = Figure.nanos();
    for (int i = 0; i < launches; i++) {
      long t0 = System.nanoTime();
      c.createTask("t" + i, new ContainerLimits(0.1, 32L << 20, 4096, 0));
      long t1 = System.nanoTime();
      c.destroyTask("t" + i, Duration.ofSeconds(10));
      long t2 = System.nanoTime();
      create.recordValue(t1 - t0);
      destroy.recordValue(t2 - t1);
    }
    c.destroy(Duration.ofSeconds(10));
    isolators.removeAgentCgroups("bench-" + ProcessHandle.current().pid());
    System.out.printf("a command task's cgroups (cpu, cpuacct, memory, pids): create with limits %s, remove %s%n",
        Figure.percentiles(create), Figure.percentiles(destroy));
  }

  /** CPU time of the agent to sample {@code executors} containers, each with one sleeping process. */
  private void sampling(Isolators isolators) throws Exception {
    String agent = "bench-sampling-" + ProcessHandle.current().pid();
    List<ContainerCgroups> containers = new ArrayList<>();
    List<Process> processes = new ArrayList<>();
    try {
      for (int i = 0; i < executors; i++) {
        ContainerCgroups c = isolators.container(agent, "c" + i, false).orElseThrow();
        c.create(new ContainerLimits(0.1, 64L << 20, 64, 0));
        containers.add(c);
        processes.add(new ProcessBuilder(io.corral.common.process.CgroupEntry.wrap(c.procsFiles(),
            List.of("sleep", "600"))).start());
      }
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long wall0 = System.nanoTime();
      for (int r = 0; r < rounds; r++) {
        for (ContainerCgroups c : containers) {
          c.usage();
        }
      }
      double usageMs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e6 / rounds;
      double usageWallMs = (System.nanoTime() - wall0) / 1e6 / rounds;
      cpu0 = threads.getCurrentThreadCpuTime();
      for (int r = 0; r < rounds; r++) {
        for (ContainerCgroups c : containers) {
          c.oomKills(null);
        }
      }
      double oomMs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e6 / rounds;
      int procRounds = Math.max(1, rounds / 10);
      cpu0 = threads.getCurrentThreadCpuTime();
      for (int r = 0; r < procRounds; r++) {
        io.corral.agent.isolation.ProcTable table = io.corral.agent.isolation.ProcTable.read();
        for (Process p : processes) {
          table.usageOf(p.pid());
        }
      }
      double procMs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e6 / procRounds;
      System.out.printf("usage of %d executors from their cgroups (one /api/v1/state or /metrics): %.2f ms CPU"
          + " (%.2f ms wall) per round%n", executors, usageMs, usageWallMs);
      System.out.printf("OOM watch of %d executors (one watch tick, every 1 s by default): %.3f ms CPU per tick = %.3f%%"
          + " of a core%n", executors, oomMs, oomMs / 10);
      System.out.printf("usage of %d executors from one read of the process table (posix/mem watch tick, no cgroups):"
          + " %.2f ms CPU per tick%n", executors, procMs);
    } finally {
      processes.forEach(Process::destroyForcibly);
      for (ContainerCgroups c : containers) {
        c.destroy(Duration.ofSeconds(10));
      }
      isolators.removeAgentCgroups(agent);
    }
  }
}
