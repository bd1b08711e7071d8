package io.corral.common.task;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Ids (framework, executor, task) as directory names in a sandbox path: URL-encoded, so that an
 * id can neither leave its directory ({@code /}, {@code ..}) nor put a {@code :} in the path,
 * which Hadoop's {@code Path} (and so Spark and MapReduce, resolving files in their working
 * directory) reads as a URI scheme. The command executor's id {@code corral:command} becomes
 * {@code corral%3Acommand}. One id, one name: decoding gives the id back.
 */
public final class PathNames {
  private PathNames() {}

  /**
   * Where a task of the command executor runs: {@code <executor sandbox>/tasks/<task id>}. The
   * agent fetches the task's URIs there; the command executor starts it there.
   */
  public static java.nio.file.Path taskSandbox(java.nio.file.Path executorSandbox, String taskId) {
    return executorSandbox.resolve("tasks").resolve(of(taskId));
  }

  public static String of(String id) {
    if (id.isEmpty()) {
      throw new IllegalArgumentException("an empty id has no directory name");
    }
    String name = URLEncoder.encode(id, StandardCharsets.UTF_8);
    if (name.equals(".") || name.equals("..")) {
      return name.replace(".", "%2E");
    }
    return name;
  }
}
