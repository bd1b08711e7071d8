package io.corral.agent.isolation;

import io.corral.common.task.PathNames;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The cgroups of one container (an executor run), one per isolated controller, at
 * {@code <root>/<agent-id>/<container-id>}. A custom executor's process tree lives in the container's
 * cgroup itself. The built-in command executor runs several tasks, each held to its own limits: it
 * lives in the leaf {@code executor}, and each task in {@code task-<task-id>} (leaves, so that cgroup
 * v2's rule "no processes in a cgroup that delegates controllers" holds); the container's own limits
 * are then its tasks' plus the executor's overhead.
 *
 * <p>Paths are a function of the ids, so a restarted agent finds the cgroups of the executors it
 * recovers again. The file I/O is on cgroupfs, which is in the kernel's memory (no disk): creating
 * and reading take microseconds. Killing and removing wait for processes to die: call
 * {@link #destroy} off the agent's loop. Not thread-safe: the agent's loop owns it, and hands it to
 * one worker at a time.
 */
public final class ContainerCgroups {
  /** The leaf the command executor's own process lives in. */
  static final String EXECUTOR_LEAF = "executor";
  private static final String TASK_PREFIX = "task-";

  private final Map<String, CgroupLayout.Hierarchy> hierarchies;
  private final String relative;
  private final boolean cfs;
  private final boolean nested;

  /**
   * @param hierarchies by controller ({@code cpu}, {@code cpuacct}, {@code memory}, {@code pids}); each one's
   *     {@code ownCgroup} is the base the container's path is below
   * @param relative {@code <root>/<agent-id>/<container-id>} below that base
   * @param nested whether tasks get cgroups of their own (the command executor)
   */
  ContainerCgroups(Map<String, CgroupLayout.Hierarchy> hierarchies, String relative, boolean cfs, boolean nested) {
    this.hierarchies = Map.copyOf(hierarchies);
    this.relative = relative;
    this.cfs = cfs;
    this.nested = nested;
  }

  /** Creates the container's cgroups with its limits (and, for the command executor, its leaf). */
  public void create(ContainerLimits limits) throws IOException {
    for (Map.Entry<String, CgroupLayout.Hierarchy> e : hierarchies.entrySet()) {
      Cgroup cg = Cgroup.create(e.getValue(), relative, e.getKey());
      if (nested) {
        Cgroup.create(e.getValue(), relative + "/" + EXECUTOR_LEAF, e.getKey());
      }
      apply(e.getKey(), cg, limits, true, false);
    }
  }

  /**
   * New limits for the container (its tasks changed). Memory only grows: lowering a hard limit
   * below what the container holds now would make the kernel kill it.
   */
  public void update(ContainerLimits limits) throws IOException {
    for (Map.Entry<String, CgroupLayout.Hierarchy> e : hierarchies.entrySet()) {
      Cgroup cg = at(e.getKey(), relative);
      if (cg.exists()) {
        apply(e.getKey(), cg, limits, false, false);
      }
    }
  }

  /** Creates a command task's cgroups with exactly its limits. */
  public void createTask(String taskId, ContainerLimits limits) throws IOException {
    requireNested();
    for (Map.Entry<String, CgroupLayout.Hierarchy> e : hierarchies.entrySet()) {
      apply(e.getKey(), Cgroup.create(e.getValue(), taskRelative(taskId), e.getKey()), limits, true, true);
    }
  }

  /** Writes {@code limits} into {@code cg}, the container's cgroup or ({@code task}) a command task's. */
  private void apply(String controller, Cgroup cg, ContainerLimits limits, boolean fresh, boolean task)
      throws IOException {
    switch (controller) {
      case "cpu" -> {
        if (limits.cpus() > 0) {
          // The command executor's tasks are capped each; a cap on the whole container would leave
          // the executor itself only its overhead while its tasks are busy, too little to report them.
          boolean cap = cfs && (task || !nested);
          CgroupLimits.apply(cg, CgroupLimits.cpu(cg.version(), limits.cpus(), cap));
        }
      }
      case "memory" -> {
        if (limits.memBytes() > 0) {
          String file = cg.version() == 1 ? "memory.limit_in_bytes" : "memory.max";
          OptionalLong now = cg.readLong(file);
          if (fresh || now.isEmpty() || now.getAsLong() < limits.memBytes()) {
            CgroupLimits.apply(cg, CgroupLimits.memory(cg.version(), limits.memBytes()));
          }
        }
      }
      case "pids" -> {
        if (limits.pids() > 0) {
          CgroupLimits.apply(cg, CgroupLimits.pids(limits.pids()));
        }
      }
      default -> { } // cpuacct: accounting only
    }
  }

  /** The {@code cgroup.procs} files the executor's process enters before it execs (one per hierarchy). */
  public List<String> procsFiles() {
    return procs(nested ? relative + "/" + EXECUTOR_LEAF : relative);
  }

  /** The {@code cgroup.procs} files a command task's process enters. */
  public List<String> taskProcsFiles(String taskId) {
    requireNested();
    return procs(taskRelative(taskId));
  }

  private List<String> procs(String rel) {
    Set<String> out = new LinkedHashSet<>(); // cpu and cpuacct may share one v1 hierarchy
    for (Map.Entry<String, CgroupLayout.Hierarchy> e : hierarchies.entrySet()) {
      out.add(e.getValue().below(rel).resolve("cgroup.procs").toString());
    }
    return new ArrayList<>(out);
  }

  /** What the whole container uses now (its statistics are hierarchical: they include its tasks). */
  public CgroupUsage usage() throws IOException {
    return CgroupUsage.read(cgroups(relative));
  }

  /** What one command task uses now. */
  public CgroupUsage taskUsage(String taskId) throws IOException {
    return CgroupUsage.read(cgroups(taskRelative(taskId)));
  }

  /** The memory limit in force on the container, or on a task ({@code taskId} non-null); empty: none. */
  public OptionalLong memoryLimit(String taskId) throws IOException {
    CgroupLayout.Hierarchy h = hierarchies.get("memory");
    if (h == null) {
      return OptionalLong.empty();
    }
    Cgroup cg = Cgroup.at(h.version(), h.below(taskId == null ? relative : taskRelative(taskId)));
    return cg.readLong(cg.version() == 1 ? "memory.limit_in_bytes" : "memory.max");
  }

  /** Times the OOM killer killed a process of the container (or of a task), 0 when not known. */
  public long oomKills(String taskId) throws IOException {
    CgroupLayout.Hierarchy h = hierarchies.get("memory");
    if (h == null) {
      return 0;
    }
    Cgroup cg = Cgroup.at(h.version(), h.below(taskId == null ? relative : taskRelative(taskId)));
    OptionalLong n = cg.version() == 1 ? cg.readKey("memory.oom_control", "oom_kill")
        : cg.readKey("memory.events", "oom_kill");
    return n.orElse(0);
  }

  /** Kills whatever is left of a task and removes its cgroups. */
  public boolean destroyTask(String taskId, Duration timeout) throws IOException, InterruptedException {
    requireNested();
    return destroy(taskRelative(taskId), timeout);
  }

  /** Kills every process of the container (tasks included) and removes its cgroups. */
  public boolean destroy(Duration timeout) throws IOException, InterruptedException {
    return destroy(relative, timeout);
  }

  private boolean destroy(String rel, Duration timeout) throws IOException, InterruptedException {
    CgroupLayout.Hierarchy freezer = hierarchies.get("freezer");
    if (freezer != null) {
      freezeAndKill(Cgroup.at(freezer.version(), freezer.below(rel)), timeout);
    }
    boolean all = true;
    for (Cgroup cg : new LinkedHashSet<>(cgroups(rel).values())) {
      all &= cg.destroy(timeout);
    }
    return all;
  }

  /**
   * v1 has no {@code cgroup.kill}: killing process by process races a process that forks. Frozen,
   * nothing forks; every process gets SIGKILL, and dies when thawed.
   */
  private static void freezeAndKill(Cgroup freezer, Duration timeout) throws IOException, InterruptedException {
    if (!freezer.exists() || !freezer.has("freezer.state") || !holdsProcesses(freezer)) {
      return; // nothing to freeze (a task whose process is gone): the common case, and no waiting
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      freezer.write("freezer.state", "FROZEN");
      while (!freezer.read("freezer.state").trim().equals("FROZEN") && System.nanoTime() < deadline) {
        Thread.sleep(1); // FREEZING: the kernel is stopping the last tasks (polled with a deadline)
      }
      for (long pid : freezer.processes()) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    } finally {
      freezer.write("freezer.state", "THAWED");
    }
  }

  /** Whether a process is in the cgroup or below it (v1 lists in {@code cgroup.procs} only its own). */
  private static boolean holdsProcesses(Cgroup cg) throws IOException {
    if (!cg.processes().isEmpty()) {
      return true;
    }
    try (var children = java.nio.file.Files.list(cg.dir())) {
      for (Path child : children.filter(java.nio.file.Files::isDirectory).toList()) {
        if (holdsProcesses(Cgroup.at(cg.version(), child))) {
          return true;
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
    return false;
  }

  /** Whether the container's cgroups are there (after an agent restart: whether it can be re-attached). */
  public boolean exists() {
    return hierarchies.keySet().stream().allMatch(c -> at(c, relative).exists());
  }

  /** The container's cgroup directories, e.g. for logs. */
  public List<Path> dirs() {
    return new ArrayList<>(new LinkedHashSet<>(cgroups(relative).values().stream().map(Cgroup::dir).toList()));
  }

  private Map<String, Cgroup> cgroups(String rel) {
    Map<String, Cgroup> out = new LinkedHashMap<>();
    for (String controller : hierarchies.keySet()) {
      out.put(controller, at(controller, rel));
    }
    return out;
  }

  private Cgroup at(String controller, String rel) {
    CgroupLayout.Hierarchy h = hierarchies.get(controller);
    return Cgroup.at(h.version(), h.below(rel));
  }

  private String taskRelative(String taskId) {
    return relative + "/" + TASK_PREFIX + PathNames.of(taskId);
  }

  private void requireNested() {
    if (!nested) {
      throw new IllegalStateException("only the command executor's tasks have cgroups of their own");
    }
  }

  public boolean nested() {
    return nested;
  }

  @Override
  public String toString() {
    return relative + " in " + hierarchies.keySet();
  }
}
