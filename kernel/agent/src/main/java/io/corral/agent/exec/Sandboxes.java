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

  /**
   * The file naming the principal a framework's sandboxes belong to ({@code frameworks/<fid>/owner}),
   * written when its first executor launches, so that who may read them is known as long as they
   * exist, across agent restarts and after the framework is gone.
   */
  public static Path ownerFile(Path workDir, String frameworkId) {
    return root(workDir).resolve(PathNames.of(frameworkId)).resolve(OWNER_FILE);
  }

  /** See {@link #ownerFile}. */
  public static final String OWNER_FILE = "owner";

  /** Records the framework's principal (empty: none) unless recorded already. */
  public static void recordOwner(Path workDir, String frameworkId, String principal) throws java.io.IOException {
    Path file = ownerFile(workDir, frameworkId);
    if (!java.nio.file.Files.exists(file)) {
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.writeString(file, principal, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** The principal of the framework whose directory under {@link #root} is {@code frameworkDir}; empty if unknown. */
  public static String owner(Path workDir, String frameworkDir) {
    if (frameworkDir.isEmpty() || frameworkDir.contains("/") || frameworkDir.equals("..") || frameworkDir.equals(".")) {
      return "";
    }
    try {
      return java.nio.file.Files.readString(root(workDir).resolve(frameworkDir).resolve(OWNER_FILE),
          java.nio.charset.StandardCharsets.UTF_8).strip();
    } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
      return "";
    }
  }

  public static Path runDir(Path workDir, ExecutorKey key, String containerId) {
    return workDir.resolve("frameworks").resolve(PathNames.of(key.frameworkId())).resolve("executors")
        .resolve(PathNames.of(key.executorId())).resolve("runs").resolve(PathNames.of(containerId));
  }
}
