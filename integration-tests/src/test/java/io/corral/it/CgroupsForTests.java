package io.corral.it;

import io.corral.agent.isolation.CgroupLayout;
import io.corral.common.task.PathNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the agents of a test put their cgroups (below this JVM's own cgroup, which agents started
 * by the test share), and whether this host lets us write them.
 */
final class CgroupsForTests {
  private CgroupsForTests() {}

  /** Skips the test, saying why, unless every one of {@code controllers} has a writable hierarchy here. */
  static void assumeWritable(String test, String... controllers) throws IOException {
    CgroupLayout layout = CgroupLayout.ofThisProcess();
    for (String c : controllers) {
      Optional<CgroupLayout.Hierarchy> h = layout.hierarchy(c);
      boolean ok = h.isPresent() && Files.isWritable(h.get().ownCgroup());
      if (!ok) {
        System.out.println(test + ": skipped, no writable '" + c + "' cgroup here (" + h.orElse(null) + ")");
      }
      Assumptions.assumeTrue(ok, "no writable " + c + " cgroup");
    }
  }

  /** The agent's directory in a controller's hierarchy: {@code <own>/corral/<agent-id>}. */
  static Path agentDir(String controller, String agentId) throws IOException {
    CgroupLayout.Hierarchy h = CgroupLayout.ofThisProcess().hierarchy(controller).orElseThrow();
    return h.ownCgroup().resolve("corral").resolve(PathNames.of(agentId));
  }

  /** A command task's cgroup, {@code <agent dir>/<container>/task-<id>}, if it exists. */
  static Optional<Path> taskDir(String controller, String agentId, String taskId) throws IOException {
    Path agent = agentDir(controller, agentId);
    if (!Files.isDirectory(agent)) {
      return Optional.empty();
    }
    try (var containers = Files.list(agent)) {
      for (Path c : containers.filter(Files::isDirectory).toList()) {
        Path t = c.resolve("task-" + PathNames.of(taskId));
        if (Files.isDirectory(t)) {
          return Optional.of(t);
        }
      }
    }
    return Optional.empty();
  }

  static long readLong(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).trim());
  }

  static List<Long> procs(Path cgroup) throws IOException {
    try {
      return Files.readAllLines(cgroup.resolve("cgroup.procs")).stream().filter(l -> !l.isBlank())
          .map(l -> Long.parseLong(l.trim())).toList();
    } catch (java.nio.file.NoSuchFileException e) {
      return List.of();
    }
  }
}
