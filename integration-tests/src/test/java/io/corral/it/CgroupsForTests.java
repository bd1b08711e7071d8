package io.corral.it;

import io.corral.agent.isolation.CgroupLayout;
import io.corral.common.task.PathNames;
import io.corral.common.testing.Capabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the agents of a test put their cgroups (below this JVM's own cgroup, which agents started
 * by the test share), and whether this host lets us write them.
 */
final class CgroupsForTests {
  private CgroupsForTests() {}

  /**
   * Goes on only if every one of {@code controllers} has a writable hierarchy here: otherwise the
   * test fails on CI's machine and is skipped, saying why, elsewhere ({@link Capabilities}).
   */
  static void requireWritable(String test, String... controllers) throws IOException {
    for (String c : controllers) {
      Capabilities.require(writable(c), test, "no writable '" + c + "' cgroup here ("
          + CgroupLayout.ofThisProcess().hierarchy(c).orElse(null) + ")");
    }
  }

  /** Whether {@code controller} has a hierarchy here whose cgroup of this JVM we may write. */
  static boolean writable(String controller) throws IOException {
    Optional<CgroupLayout.Hierarchy> h = CgroupLayout.ofThisProcess().hierarchy(controller);
    return h.isPresent() && Files.isWritable(h.get().ownCgroup());
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
