package io.corral.agent.exec;

import io.corral.common.task.PathNames;
import java.nio.file.Path;

/**
 * Sandbox layout: {@code <work_dir>/frameworks/<fid>/executors/<eid>/runs/<run-id>/}, each id
 * as {@link PathNames} writes it (the command executor's directory is {@code corral%3Acommand}).
 */
public final class Sandboxes {
  private Sandboxes() {}

  /** Where every sandbox is: {@code <work_dir>/frameworks}, absolute. */
  public static Path root(Path workDir) {
    return workDir.toAbsolutePath().normalize().resolve("frameworks");
  }

  public static Path runDir(Path workDir, ExecutorKey key, String containerId) {
    return workDir.resolve("frameworks").resolve(PathNames.of(key.frameworkId())).resolve("executors")
        .resolve(PathNames.of(key.executorId())).resolve("runs").resolve(PathNames.of(containerId));
  }
}
