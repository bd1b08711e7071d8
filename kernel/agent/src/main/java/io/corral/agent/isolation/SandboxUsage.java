package io.corral.agent.isolation;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The bytes of a sandbox, as {@code disk/du} measures it: the sizes of the regular files below it
 * (symbolic links are not followed: a link to a big file elsewhere does not count). Blocking: run
 * it on a worker.
 */
public final class SandboxUsage {
  private SandboxUsage() {}

  /** Bytes of the files below {@code dir}; 0 when it does not exist. */
  public static long bytes(Path dir) {
    long[] total = {0};
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) {
            total[0] += attrs.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE; // removed while we walked, or unreadable
        }
      });
    } catch (IOException e) {
      // counted what could be counted
    }
    return total[0];
  }
}
