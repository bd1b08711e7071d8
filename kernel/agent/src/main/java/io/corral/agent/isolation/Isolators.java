package io.corral.agent.isolation;

import io.corral.common.task.PathNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The isolators an agent runs with, chosen once at its start ({@code --isolation}): which work on
 * this host is found out by trying (a probe cgroup is created and removed in each hierarchy), not
 * guessed. Asked-for isolators that cannot work fail the start with the reason; by default every
 * one that works is used, and where cgroups cannot be written the {@code posix} ones stand in.
 * Immutable.
 */
public final class Isolators {
  private static final Logger LOG = LoggerFactory.getLogger(Isolators.class);
  public static final String CGROUPS_CPU = "cgroups/cpu";
  public static final String CGROUPS_MEM = "cgroups/mem";
  public static final String CGROUPS_PIDS = "cgroups/pids";
  public static final String DISK_DU = "disk/du";
  public static final String POSIX_CPU = "posix/cpu";
  public static final String POSIX_MEM = "posix/mem";
  /** Under cgroup v2, the leaf an agent moves itself into so that its own cgroup may delegate controllers. */
  static final String AGENT_LEAF = "corral-agent";

  private final List<String> active;
  private final Map<String, CgroupLayout.Hierarchy> hierarchies;
  private final IsolationSettings settings;
  private final String description;

  private Isolators(List<String> active, Map<String, CgroupLayout.Hierarchy> hierarchies, IsolationSettings settings,
      String description) {
    this.active = List.copyOf(active);
    this.hierarchies = Map.copyOf(hierarchies);
    this.settings = settings;
    this.description = description;
  }

  /** No isolation at all (tests of other things, and hosts that are not Linux). */
  public static Isolators none(IsolationSettings settings) {
    return new Isolators(List.of(), Map.of(), settings, "none");
  }

  /** Chooses the isolators for {@code settings} on a host laid out as {@code layout}. */
  public static Isolators select(IsolationSettings settings, CgroupLayout layout) throws IsolationException {
    List<String> requested = settings.requested();
    boolean defaults = requested.isEmpty();
    if (requested.contains(CGROUPS_MEM) && requested.contains(POSIX_MEM)
        || requested.contains(CGROUPS_CPU) && requested.contains(POSIX_CPU)) {
      throw new IsolationException("--isolation: choose cgroups/* or posix/* for a resource, not both: " + requested);
    }
    List<String> active = new ArrayList<>();
    Map<String, CgroupLayout.Hierarchy> used = new LinkedHashMap<>();
    List<String> why = new ArrayList<>();
    for (String isolator : List.of(CGROUPS_CPU, CGROUPS_MEM, CGROUPS_PIDS)) {
      if (!defaults && !requested.contains(isolator)) {
        continue;
      }
      String controller = controllerOf(isolator);
      Optional<String> problem = Optional.empty();
      CgroupLayout.Hierarchy h = layout.hierarchy(controller).map(x -> base(x, settings.cgroupsRoot())).orElse(null);
      if (h == null) {
        problem = Optional.of("no '" + controller + "' cgroup controller is mounted");
      } else {
        problem = probe(h, settings.cgroupsRoot(), controller);
      }
      if (problem.isPresent()) {
        if (!defaults) {
          throw new IsolationException(isolator + " cannot work here: " + problem.get());
        }
        why.add(isolator + ": " + problem.get());
        continue;
      }
      active.add(isolator);
      used.put(controller, h);
      if (controller.equals("cpu")) {
        // v1 may keep CPU accounting in a hierarchy of its own; without it, usage lacks user/system time.
        layout.hierarchy("cpuacct").map(x -> base(x, settings.cgroupsRoot()))
            .filter(a -> !a.mountPoint().equals(h.mountPoint()) && probe(a, settings.cgroupsRoot(), "cpuacct").isEmpty())
            .ifPresent(a -> used.put("cpuacct", a));
      }
    }
    if (!used.isEmpty()) {
      // v1 kills a container's processes reliably only frozen (v2 has cgroup.kill): use the freezer if it works.
      layout.hierarchy("freezer").filter(f -> f.version() == 1).map(f -> base(f, settings.cgroupsRoot()))
          .filter(f -> probe(f, settings.cgroupsRoot(), "freezer").isEmpty())
          .ifPresent(f -> used.put("freezer", f));
    }
    if (requested.contains(POSIX_CPU) || defaults && !active.contains(CGROUPS_CPU)) {
      active.add(POSIX_CPU);
    }
    if (requested.contains(POSIX_MEM) || defaults && !active.contains(CGROUPS_MEM)) {
      active.add(POSIX_MEM);
    }
    if (defaults || requested.contains(DISK_DU)) {
      active.add(DISK_DU);
    }
    StringBuilder d = new StringBuilder(String.join(", ", active));
    if (!used.isEmpty()) {
      d.append("; cgroups under ").append(settings.cgroupsRoot()).append(" below the agent's own (");
      d.append(String.join(", ", used.entrySet().stream().map(e -> e.getKey() + " v" + e.getValue().version() + " "
          + e.getValue().ownCgroup()).toList())).append(")");
      if (active.contains(CGROUPS_CPU)) {
        d.append(settings.enableCfs() ? "; CPU capped at cpus (CFS)" : "; CPU weighted by cpus, not capped");
      }
    }
    if (active.contains(POSIX_CPU)) {
      d.append("; CPU is NOT isolated (posix/cpu only accounts for it)");
    }
    if (active.contains(POSIX_MEM)) {
      d.append("; memory enforced by polling each process tree's RSS every ").append(settings.watchInterval().toMillis())
          .append(" ms (posix/mem)");
    }
    if (!why.isEmpty()) {
      d.append("; not available: ").append(String.join("; ", why));
    }
    return new Isolators(active, used, settings, d.toString());
  }

  static String controllerOf(String isolator) {
    return switch (isolator) {
      case CGROUPS_CPU -> "cpu";
      case CGROUPS_MEM -> "memory";
      case CGROUPS_PIDS -> "pids";
      default -> throw new IllegalArgumentException(isolator);
    };
  }

  /**
   * The hierarchy with the base containers go below: the agent's own cgroup (the parent of its v2 leaf
   * when it moved itself into one), or the hierarchy's root for an absolute {@code --cgroups-root}.
   */
  static CgroupLayout.Hierarchy base(CgroupLayout.Hierarchy h, String cgroupsRoot) {
    if (cgroupsRoot.startsWith("/")) {
      return new CgroupLayout.Hierarchy(h.version(), h.mountPoint(), h.mountPoint());
    }
    Path own = h.ownCgroup();
    if (h.version() == 2 && own.getFileName() != null && own.getFileName().toString().equals(AGENT_LEAF)
        && !own.equals(h.mountPoint())) {
      own = own.getParent();
    }
    return new CgroupLayout.Hierarchy(h.version(), h.mountPoint(), own);
  }

  /** Tries to create and remove a cgroup where containers will go; empty when that works. */
  static Optional<String> probe(CgroupLayout.Hierarchy h, String cgroupsRoot, String controller) {
    String root = rootRelative(cgroupsRoot);
    try {
      if (h.version() == 2) {
        leaveInternalCgroup(h);
      }
      Cgroup probe = Cgroup.create(h, root + "/probe-" + ProcessHandle.current().pid() + "-" + System.nanoTime(),
          controller);
      Path offered = probe.dir().resolve("cgroup.controllers");
      if (h.version() == 2 && Files.exists(offered) && !Files.readString(offered).contains(controller)) {
        probe.destroy(Duration.ofSeconds(5));
        return Optional.of("the " + controller + " controller is not delegated to " + h.ownCgroup());
      }
      if (!probe.destroy(Duration.ofSeconds(5))) {
        return Optional.of("could not remove a probe cgroup in " + probe.dir());
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of("cannot create cgroups below " + h.ownCgroup() + " (" + e + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  /**
   * cgroup v2 lets a cgroup hand controllers to children only when it holds no process itself: an
   * agent that is alone in its cgroup (systemd {@code Delegate=yes}) moves into the leaf
   * {@value #AGENT_LEAF}.
   */
  private static void leaveInternalCgroup(CgroupLayout.Hierarchy h) throws IOException {
    Path procs = h.ownCgroup().resolve("cgroup.procs");
    if (h.ownCgroup().equals(h.mountPoint()) || !Files.exists(procs) || Files.readString(procs).isBlank()) {
      return;
    }
    Path leaf = h.ownCgroup().resolve(AGENT_LEAF);
    Files.createDirectories(leaf);
    Files.writeString(leaf.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
    LOG.info("moved the agent into {} so that {} can delegate cgroup controllers", leaf, h.ownCgroup());
  }

  private static String rootRelative(String cgroupsRoot) {
    String r = cgroupsRoot;
    while (r.startsWith("/")) {
      r = r.substring(1);
    }
    while (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    return r.isEmpty() ? "corral" : r;
  }

  /** The active isolators' names, as {@code /api/v1/state} lists them. */
  public List<String> names() {
    return active;
  }

  public boolean has(String isolator) {
    return active.contains(isolator);
  }

  /** What runs, in words (for the start-up log line). */
  public String description() {
    return description;
  }

  public IsolationSettings settings() {
    return settings;
  }

  /** Whether containers get cgroups. */
  public boolean cgroups() {
    return !hierarchies.isEmpty();
  }

  /** The cgroups of a container (nothing is created yet); empty without cgroup isolators. */
  public Optional<ContainerCgroups> container(String agentId, String containerId, boolean commandExecutor) {
    if (hierarchies.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ContainerCgroups(hierarchies, agentRelative(agentId) + "/" + PathNames.of(containerId),
        settings.enableCfs(), commandExecutor));
  }

  private String agentRelative(String agentId) {
    return rootRelative(settings.cgroupsRoot()) + "/" + PathNames.of(agentId);
  }

  /** Removes this agent's (empty) cgroup directories, once it stopped with all its executors. */
  public void removeAgentCgroups(String agentId) {
    for (CgroupLayout.Hierarchy h : hierarchies.values()) {
      try {
        Files.deleteIfExists(h.below(agentRelative(agentId)));
      } catch (IOException e) {
        LOG.debug("left {}: {}", h.below(agentRelative(agentId)), e.toString());
      }
    }
  }

  /**
   * Removes the cgroups of this agent's containers that are not in {@code live} (executors that
   * are gone: left behind by a crash), killing what is still in them. Returns the ones removed.
   */
  public List<Path> cleanOrphans(String agentId, Set<String> live) throws IOException, InterruptedException {
    List<Path> removed = new ArrayList<>();
    Set<String> liveNames = new java.util.HashSet<>();
    live.forEach(c -> liveNames.add(PathNames.of(c)));
    for (CgroupLayout.Hierarchy h : hierarchies.values()) {
      Path dir = h.below(agentRelative(agentId));
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> children;
      try (var s = Files.list(dir)) {
        children = s.filter(Files::isDirectory).toList();
      }
      for (Path child : children) {
        if (!liveNames.contains(child.getFileName().toString())) {
          if (Cgroup.at(h.version(), child).destroy(Duration.ofSeconds(10))) {
            removed.add(child);
          } else {
            LOG.warn("could not remove the orphan cgroup {}", child);
          }
        }
      }
    }
    return removed;
  }
}
