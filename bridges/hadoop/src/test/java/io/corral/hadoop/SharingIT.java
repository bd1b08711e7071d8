package io.corral.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.common.resources.Resources;
import io.corral.master.core.MasterView;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.mapreduce.SleepJob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sharing the pool: a job gives back the executors it no longer needs before it ends, and two
 * jobs under two roles run side by side (DRF) instead of one after the other. Hadoop's own
 * {@link SleepJob} (hadoop-mapreduce-client-jobclient's tests jar), 2 agents of 4 cpus, tasks of
 * 2 cpus: 2 containers per agent at most, the AM's agent only 1. Each test starts on the whole
 * pool: the jobs of the one before have left nothing behind.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class SharingIT {
  private static final List<String> TWO_CPU_TASKS = List.of("-Dmapreduce.map.cpu.vcores=2",
      "-Dmapreduce.reduce.cpu.vcores=2");
  private static HadoopJobs jobs;

  @BeforeAll
  static void start() throws Exception {
    jobs = HadoopJobs.start("SharingIT", 2);
  }

  @AfterAll
  static void stop() {
    if (jobs != null) {
      jobs.close();
    }
  }

  /**
   * A finished job leaves nothing behind: its AM exits and tears its framework down (the master then
   * stops its executors), so the next test finds every agent whole. An AM tears down as its JVM
   * exits, a few seconds after the job's end (MRAppMaster's own 5 s before it stops its client
   * service).
   */
  @BeforeEach
  void theEarlierJobsLeftNothingBehind() {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(leftBehind()).as("left by the jobs of the test before").isEmpty());
  }

  /** Frameworks still registered, agents not whole, and processes still running in frameworks' sandboxes. */
  private static List<String> leftBehind() {
    List<String> left = new ArrayList<>(jobs.corral.query(v -> {
      List<String> out = new ArrayList<>();
      v.frameworks().forEach(f -> out.add("framework " + f.name() + " (" + f.role() + ")"));
      v.agents().stream().filter(a -> !v.freeOn(a.id()).equals(a.total()))
          .forEach(a -> out.add("agent " + a.id() + " has " + v.freeOn(a.id()) + " of " + a.total() + " free"));
      return out;
    }));
    String sandboxes = jobs.dir.resolve("corral").toString();
    ProcessHandle.allProcesses().filter(p -> {
      String where = io.corral.bridges.testkit.Processes.cwd(p) + " " + HadoopJobs.commandLine(p);
      return where.contains(sandboxes) && where.contains(java.io.File.separator + "frameworks" + java.io.File.separator);
    }).forEach(p -> left.add("process " + p.pid() + ": " + HadoopJobs.commandLine(p)));
    return left;
  }

  @Test
  void anIdleTaskTrackerIsReleasedBeforeTheJobEnds() throws Exception {
    // 3 maps do not fit on one agent, so both get maps; then the one reducer sleeps 25 s while the
    // other agent has nothing left to do: no container, and its map output already fetched.
    List<String> options = new ArrayList<>(TWO_CPU_TASKS);
    options.addAll(List.of("-Dcorral.role=idle", "-Dcorral.tasktracker.idle.timeout=2s"));
    Path log = jobs.dir.resolve("idle-sleep.log");
    Process job = submit(options, List.of("-m", "3", "-r", "1", "-mt", "1000", "-rt", "25000", "-name", "idle"), log);
    try (Probe probe = Probe.start(jobs)) {
      Optional<String> released = await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
          .until(() -> jobs.corral.query(v -> releasedWhileReduceRuns(v, probe)), r -> r.isPresent() || !job.isAlive());
      if (released.isEmpty()) {
        System.out.println("probe's last offers: " + probe.lastOffer + "; the job's tasks: " + jobs.corral.query(
            v -> tasksOfRole(v, "idle").stream().map(t -> t.getName() + "@" + t.getAgentId() + " " + t.getState())
                .toList()));
      }
      assertThat(released).as("an agent offered in full to another framework while the job's reducer runs; see %s",
          log).isPresent();
      System.out.println("SharingIT: " + released.get());
      assertThat(job.isAlive()).as("the job is still running").isTrue();
    } finally {
      awaitEnd(job, log);
    }
    assertThat(job.exitValue()).as("sleep job exit code; see %s", log).isZero();
    assertThat(Files.readString(log)).contains("completed successfully");
  }

  @Test
  void twoRolesShareThePoolSideBySide() throws Exception {
    // teamA has 12 maps for 3 slots; teamB comes a moment later with 4. Under DRF teamB's maps
    // run while teamA still has maps waiting, rather than after all of teamA's.
    Path logA = jobs.dir.resolve("teamA.log");
    Path logB = jobs.dir.resolve("teamB.log");
    List<String> a = new ArrayList<>(TWO_CPU_TASKS);
    a.add("-Dmapreduce.job.queuename=teamA");
    List<String> b = new ArrayList<>(TWO_CPU_TASKS);
    b.add("-Dcorral.role=teamB");
    Process jobA = submit(a, List.of("-m", "12", "-r", "0", "-mt", "4000", "-name", "teamA-sleep"), logA);
    Process jobB = null;
    try {
      // teamB comes once teamA is there: its framework registered.
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> jobs.corral.query(
          v -> v.frameworks().stream().anyMatch(f -> f.role().equals("teamA"))));
      jobB = submit(b, List.of("-m", "4", "-r", "0", "-mt", "4000", "-name", "teamB-sleep"), logB);
      Optional<String> together = await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
          .until(() -> jobs.corral.query(SharingIT::bothRunWhileTeamAWaits), t -> t.isPresent() || !jobA.isAlive());
      assertThat(together).as("teamB's maps run while teamA still has maps waiting; see %s and %s", logA, logB)
          .isPresent();
      System.out.println("SharingIT: " + together.get());
    } finally {
      awaitEnd(jobA, logA);
      if (jobB != null) {
        awaitEnd(jobB, logB);
      }
    }
    assertThat(jobA.exitValue()).as("teamA exit code; see %s", logA).isZero();
    assertThat(jobB.exitValue()).as("teamB exit code; see %s", logB).isZero();
  }

  // --- what the master shows ---

  /** The job's containers and AM: tasks of the framework with that role. */
  private static List<Task> tasksOfRole(MasterView v, String role) {
    return v.frameworks().stream().filter(f -> f.role().equals(role)).flatMap(f -> v.tasks(f.id()).stream())
        .toList();
  }

  private static boolean isMap(Task t) {
    return t.getName().contains("_m_");
  }

  private static boolean isReduce(Task t) {
    return t.getName().contains("_r_");
  }

  private static boolean running(Task t) {
    return t.getState() == TaskState.TASK_RUNNING;
  }

  /**
   * While the reducer runs: an agent where maps of the job ran, offered to the probe with all its
   * memory except what the job's AM (if there) holds, i.e. without the job's TaskTracker executor.
   */
  private static Optional<String> releasedWhileReduceRuns(MasterView v, Probe probe) {
    List<Task> tasks = tasksOfRole(v, "idle");
    Optional<Task> reduce = tasks.stream().filter(t -> isReduce(t) && running(t)).findFirst();
    if (reduce.isEmpty()) {
      return Optional.empty();
    }
    for (MasterView.AgentSummary agent : v.agents()) {
      String id = agent.id();
      List<Task> here = tasks.stream().filter(t -> t.getAgentId().equals(id)).toList();
      if (id.equals(reduce.get().getAgentId()) || here.stream().noneMatch(SharingIT::isMap)) {
        continue;
      }
      List<Task> containers = here.stream().filter(t -> t.getName().startsWith("attempt_")).toList();
      if (containers.stream().anyMatch(SharingIT::running)) {
        continue;
      }
      double held = here.stream().filter(SharingIT::running) // the AM, if it runs here
          .mapToDouble(t -> Resources.fromProto(t.getResourcesList()).mem()).sum();
      double lastEnded = containers.stream().mapToDouble(t -> t.getLatestStatus().getTimestamp()).max().orElse(0);
      Probe.Seen seen = probe.lastOffer.get(id);
      if (seen != null && lastEnded > 0 && seen.atSeconds() > lastEnded
          && seen.mem() >= agent.total().mem() - held) {
        return Optional.of(String.format("agent %s offered to another framework with %.0f MiB (its executor"
            + " released) %.1f s after the job's last container there ended, while the reducer runs on %s",
            id, seen.mem(), seen.atSeconds() - lastEnded, reduce.get().getAgentId()));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> bothRunWhileTeamAWaits(MasterView v) {
    List<Task> a = tasksOfRole(v, "teamA");
    List<Task> b = tasksOfRole(v, "teamB");
    long aRunning = a.stream().filter(t -> isMap(t) && running(t)).count();
    long bRunning = b.stream().filter(t -> isMap(t) && running(t)).count();
    long aLaunched = a.stream().filter(SharingIT::isMap).count();
    if (aRunning > 0 && bRunning > 0 && aLaunched < 12) {
      String shares = v.frameworks().stream().filter(f -> f.role().startsWith("team"))
          .map(f -> f.role() + String.format(" %.2f", f.dominantShare())).toList().toString();
      return Optional.of(String.format("maps running together: teamA %d, teamB %d; teamA has launched %d of 12;"
          + " dominant shares %s", aRunning, bRunning, aLaunched, shares));
    }
    return Optional.empty();
  }

  // --- jobs and the probe ---

  /** Starts {@code SleepJob} in a client JVM, as {@code hadoop org.apache.hadoop.mapreduce.SleepJob} would. */
  private static Process submit(List<String> options, List<String> args, Path log) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        SleepJob.class.getName(), "-Dmapreduce.framework.name=corral", "-Dcorral.master=" + jobs.corral.masterAddress(),
        "-Dfs.defaultFS=" + jobs.defaultFs()));
    cmd.addAll(HadoopJobs.SMALL);
    cmd.addAll(options);
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void awaitEnd(Process p, Path log) throws InterruptedException {
    try {
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        throw new AssertionError("job did not end within 5 minutes; see " + log);
      }
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /** Another framework (its own role) that notes the latest offer of each agent and declines it. */
  private static final class Probe implements Scheduler, AutoCloseable {
    record Seen(double mem, double atSeconds) {}

    final Map<String, Seen> lastOffer = new ConcurrentHashMap<>();
    private CorralSchedulerDriver driver;

    static Probe start(HadoopJobs jobs) {
      Probe p = new Probe();
      p.driver = new CorralSchedulerDriver(p, FrameworkInfo.newBuilder().setName("probe").setRole("probe")
          .setUser(System.getProperty("user.name")).build(), jobs.corral.masterAddress().toString());
      p.driver.start();
      return p;
    }

    @Override
    public void registered(SchedulerDriver d, String id, MasterInfo masterInfo) {}

    @Override
    public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
      double now = System.currentTimeMillis() / 1000.0;
      for (Offer o : offers) {
        Seen seen = new Seen(Resources.fromProto(o.getResourcesList()).mem(), now);
        Seen before = lastOffer.put(o.getAgentId(), seen);
        if (before == null || before.mem() != seen.mem()) {
          System.out.printf("probe: offer of %s with %.0f MiB%n", o.getAgentId(), seen.mem());
        }
        // A short filter: the job gets the agent's offers in between.
        d.declineOffer(o.getId(), Filters.newBuilder().setRefuseSeconds(0.5).build());
      }
    }

    @Override
    public void statusUpdate(SchedulerDriver d, TaskStatus status) {}

    @Override
    public void close() {
      driver.stop();
      driver.join();
    }
  }
}
