package io.corral.benchmarks;

import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Launch-to-RUNNING latency of command tasks with real processes: a {@link LocalCluster} in this
 * JVM (master and 3 in-process agents; executors are processes) and one framework that launches
 * one task at a time at a steady rate on the offers it holds (all of one agent's offers
 * together, so they do not fragment), leaving nothing filtered. Each launch is timed from the
 * {@code launchTasks} call to the TASK_RUNNING callback. The first launch on each agent is
 * reported apart: it starts the framework's command executor there (a JVM); later launches reuse
 * it, and each costs one {@code sh -c} process.
 */
final class LatencyScenario {
  private LatencyScenario() {}

  /** What to run. */
  record Options(int agents, int warmupTasks, int tasks, double perSecond, String command) {}

  private static final Resources TASK = Resources.builder().cpus(0.05).mem(16).build();
  private static final Filters NO_FILTER = Filters.newBuilder().setRefuseSeconds(0).build();

  /** Times of one task, in System.nanoTime(). */
  private static final class Times {
    final long launched;
    volatile long starting;
    volatile long running;
    volatile long finished;
    final CountDownLatch runningLatch = new CountDownLatch(1);
    final CountDownLatch done = new CountDownLatch(1);

    Times(long launched) {
      this.launched = launched;
    }
  }

  /** Holds the offers it is given; records when its tasks change state. */
  private static final class Framework implements Scheduler {
    final BlockingDeque<Offer> offers = new LinkedBlockingDeque<>();
    final Map<String, Times> times = new ConcurrentHashMap<>();
    final CountDownLatch registered = new CountDownLatch(1);

    @Override
    public void registered(SchedulerDriver driver, String frameworkId, MasterInfo masterInfo) {
      registered.countDown();
    }

    @Override
    public void resourceOffers(SchedulerDriver driver, List<Offer> list) {
      offers.addAll(list);
    }

    @Override
    public void offerRescinded(SchedulerDriver driver, String offerId) {
      offers.removeIf(o -> o.getId().equals(offerId));
    }

    @Override
    public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
      long now = System.nanoTime();
      Times t = times.get(status.getTaskId());
      if (t == null) {
        return;
      }
      switch (status.getState()) {
        case TASK_STARTING -> t.starting = now;
        case TASK_RUNNING -> {
          t.running = now;
          t.runningLatch.countDown();
        }
        case TASK_FINISHED -> {
          t.finished = now;
          t.done.countDown();
        }
        default -> {
          System.out.printf("task %s: %s %s%n", status.getTaskId(), status.getState(), status.getMessage());
          t.runningLatch.countDown();
          t.done.countDown();
        }
      }
    }
  }

  static List<Figure> run(Options o) throws Exception {
    System.out.printf("%n## Launch-to-RUNNING latency: LocalCluster (%d in-process agents), command '%s', "
        + "%.0f launches/s%n", o.agents(), o.command(), o.perSecond());
    Path dir = Files.createTempDirectory("corral-bench-latency-");
    CommandInfo command = TaskInfos.shell(o.command());
    try (LocalCluster cluster = LocalCluster.builder(dir).agents(o.agents()).start()) {
      Framework fw = new Framework();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(fw,
          FrameworkInfo.newBuilder().setName("latency").build(), cluster.masterAddress().toString());
      driver.start();
      try {
        if (!fw.registered.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the framework did not register");
        }
        // Cold: the first launch on each agent, one at a time.
        List<String> cold = new ArrayList<>();
        Set<String> agentsDone = new HashSet<>();
        while (agentsDone.size() < o.agents()) {
          Offer offer = take(fw, agentsDone);
          agentsDone.add(offer.getAgentId());
          Times t = launch(driver, fw, offer, "cold-" + agentsDone.size(), command);
          if (!t.runningLatch.await(60, TimeUnit.SECONDS) || t.running == 0) {
            throw new IllegalStateException("a cold launch did not reach TASK_RUNNING");
          }
          cold.add(String.format("%.0f", Figure.ms(t.running - t.launched)));
        }
        System.out.printf("cold launches (first on each agent: starts its command executor JVM): %s ms%n",
            String.join(", ", cold));
        // Warm: a steady rate.
        List<Times> warmup = paced(driver, fw, o.warmupTasks(), o.perSecond(), "warm-", command);
        await(warmup);
        List<Times> measured = paced(driver, fw, o.tasks(), o.perSecond(), "task-", command);
        await(measured);
        Histogram starting = Figure.nanos();
        Histogram running = Figure.nanos();
        Histogram finished = Figure.nanos();
        int failed = 0;
        for (Times t : measured) {
          if (t.running == 0) {
            failed++;
            continue;
          }
          if (t.starting > 0) {
            starting.recordValue(t.starting - t.launched);
          }
          running.recordValue(t.running - t.launched);
          if (t.finished > 0) {
            finished.recordValue(t.finished - t.launched);
          }
        }
        System.out.printf("%d tasks after %d warm-up tasks (%d did not reach RUNNING); p50 / p99 / max:%n",
            measured.size(), warmup.size(), failed);
        System.out.printf("  launch -> TASK_STARTING: %s%n", Figure.percentiles(starting));
        System.out.printf("  launch -> TASK_RUNNING:  %s%n", Figure.percentiles(running));
        System.out.printf("  launch -> TASK_FINISHED: %s%n", Figure.percentiles(finished));
        return List.of(
            new Figure("launch → RUNNING p50 / p99, command tasks, real processes (" + measured.size() + " tasks, "
                + Math.round(o.perSecond()) + "/s)", String.format("%.1f / %.1f ms",
                Figure.ms(running.getValueAtPercentile(50)), Figure.ms(running.getValueAtPercentile(99))),
                "p50 ≤ 30 ms, p99 ≤ 100 ms", "containerd 73 / 287 ms (p50 / p99); Mesos agent ≈ 30 ms per launch"),
            new Figure("cold first launch on an agent (starts the command executor JVM)",
                String.join(", ", cold) + " ms", "—", "a fresh JVM ≈ 90–130 ms"));
      } finally {
        driver.stop();
        driver.join();
      }
    } catch (Exception | Error e) {
      printStderrFiles(dir);
      throw e;
    } finally {
      deleteTree(dir);
    }
  }

  /** What executors wrote to stderr (after a failure, before the work directory goes). */
  private static void printStderrFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        String text = Files.readString(p);
        System.out.printf("--- %s:%n%s%n", dir.relativize(p), text.length() > 4000 ? text.substring(0, 4000) : text);
      }
    } catch (IOException e) {
      System.err.println("could not read " + dir + ": " + e);
    }
  }

  /** An offer, of an agent not in {@code skip} if one comes within a few seconds. */
  private static Offer take(Framework fw, Set<String> skip) throws InterruptedException {
    List<Offer> passed = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        Offer o = fw.offers.poll(1, TimeUnit.SECONDS);
        if (o != null && !skip.contains(o.getAgentId())) {
          return o;
        }
        if (o != null) {
          passed.add(o);
        }
      }
      throw new IllegalStateException("no offer of a new agent within 30 s");
    } finally {
      passed.forEach(fw.offers::addFirst);
    }
  }

  /**
   * Launches one task on {@code offer} together with every other offer held for the same agent,
   * so what the task leaves comes back as one offer (finished tasks' resources come back as
   * offers of their own, which would otherwise split the agent into fragments).
   */
  private static Times launch(CorralSchedulerDriver driver, Framework fw, Offer offer, String id, CommandInfo command) {
    List<String> offerIds = new ArrayList<>();
    offerIds.add(offer.getId());
    for (Offer other : fw.offers) {
      if (other.getAgentId().equals(offer.getAgentId()) && fw.offers.remove(other)) {
        offerIds.add(other.getId());
      }
    }
    TaskInfo task = TaskInfos.command(id, offer, TASK, command);
    Times t = new Times(System.nanoTime());
    fw.times.put(id, t);
    driver.launchTasks(offerIds, List.of(task), NO_FILTER);
    return t;
  }

  private static List<Times> paced(CorralSchedulerDriver driver, Framework fw, int n, double perSecond, String prefix,
      CommandInfo command) throws InterruptedException {
    List<Times> out = new ArrayList<>(n);
    long interval = (long) (1e9 / perSecond);
    long next = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      next += interval;
      Offer offer = fw.offers.poll(10, TimeUnit.SECONDS);
      if (offer == null) {
        throw new IllegalStateException("no offer within 10 s");
      }
      out.add(launch(driver, fw, offer, prefix + i, command));
    }
    return out;
  }

  private static void await(List<Times> tasks) throws InterruptedException {
    for (Times t : tasks) {
      t.done.await(30, TimeUnit.SECONDS);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
