package io.corral.agent.exec;

import java.nio.file.Path;

/** Sandbox layout: {@code <work_dir>/frameworks/<fid>/executors/<eid>/runs/<run-id>/}. */
public final class Sandboxes {
  private Sandboxes() {}

  public static Path runDir(Path workDir, ExecutorKey key, String containerId) {
    return workDir.resolve("frameworks").resolve(key.frameworkId()).resolve("executors")
        .resolve(key.executorId()).resolve("runs").resolve(containerId);
  }
}
